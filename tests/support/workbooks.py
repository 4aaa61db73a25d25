"""Workbooks written by hand (only the parts the XLSX reader needs) and their rows as
``chalicelib.xlsx`` reads them, for the reader's tests."""

from __future__ import annotations

import io
import zipfile

from chalicelib import xlsx
from chalicelib.xlsx_parts import read_workbook
from chalicelib.xlsx_sheet import sheet_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook_by_hand(
    sheet: str | bytes, *, strings: str = "", styles: str = "", pr: str = ""
) -> bytes:
    """A minimal workbook around ``sheet`` (the worksheet part's XML, text or bytes)."""
    parts: dict[str, str | bytes] = {
        "_rels/.rels": f'<Relationships><Relationship Id="r1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {NS} xmlns:r="{REL}">{pr}<sheets>'
        '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": "<Relationships>"
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": f"<sst {NS}>{strings}</sst>",
        "xl/styles.xml": f"<styleSheet {NS}>{styles}</styleSheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode() if isinstance(text, str) else text)
    return buffer.getvalue()


def read_rows(content: bytes) -> list[tuple[int, list[object]]]:
    """Every row, as the upload path reads them (``xlsx.first_sheet_rows``)."""
    rows, archive = xlsx.first_sheet_rows(io.BytesIO(content))
    try:
        return list(rows)
    finally:
        archive.close()


def rows_by_expat_only(content: bytes) -> list[tuple[int, list[object]]]:
    """Every row read by expat alone, without the regular-expression reader of common rows."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        workbook = read_workbook(archive)
        return list(sheet_rows(archive, workbook, fast=False))

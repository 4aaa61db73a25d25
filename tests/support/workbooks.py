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


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_by_hand(rows: str, *, more: str = "") -> bytes:
    """A minimal ODS whose first sheet holds ``rows`` (``<table:table-row>`` elements) and
    ``more`` after it (other sheets)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}>'
        f'<office:body><office:spreadsheet><table:table table:name="Feuille1">{rows}'
        f"</table:table>{more}</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def ods_row(*cells: str, repeat: int = 1) -> str:
    """A row of text cells (a cell given as raw XML, starting with ``<``, is kept as it is)."""
    shown = "".join(
        cell
        if cell.startswith("<")
        else f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
        "</table:table-cell>"
        for cell in cells
    )
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{shown}</table:table-row>"

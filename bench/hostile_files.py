"""The hostile and extreme files of SPEC §10, built on disk (some inflate to gigabytes: never in
memory here either). Each builder writes one file and returns its path."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from bench import data

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _skeleton() -> dict[str, bytes]:
    """The parts of a minimal valid workbook (one sheet, header row), to rewrite one of them."""
    workbook = Workbook()
    workbook.active.append(["id_externe", "nom"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_zip(path: Path, parts: dict[str, bytes], big: tuple[str, Callable] | None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            if big is not None and name == big[0]:
                with archive.open(name, "w", force_zip64=True) as member:
                    big[1](member)
            else:
                archive.writestr(name, content)
    return path


def inflating_xlsx(path: Path, inflated: int = 1_500_000_000) -> Path:
    """A ~1.5 MB XLSX whose sheet inflates to 1.5 GB (XML whitespace between rows)."""
    chunk = b" " * (1 << 20)

    def sheet(member: io.BufferedIOBase) -> None:
        member.write(_SHEET_HEAD.encode() + b"<sheetData>")
        for _ in range(inflated // len(chunk)):
            member.write(chunk)
        member.write(b"</sheetData></worksheet>")

    return _write_zip(path, _skeleton(), (SHEET, sheet))


def eight_million_rows_xlsx(path: Path, *, declared: bool = True) -> Path:
    """A ~2 KB XLSX with one cell at row 8,000,000 (and, if ``declared``, its dimension)."""
    dimension = '<dimension ref="A1:B8000000"/>' if declared else ""
    header = "".join(
        f'<c t="inlineStr"><is><t>{column}</t></is></c>' for column in data.COLUMNS
    )  # the roster's real header: the file passes the column check and reaches the rows
    xml = (
        f'{_SHEET_HEAD}{dimension}<sheetData><row r="1">{header}</row>'
        '<row r="8000000"><c r="A8000000" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    parts = _skeleton()
    parts[SHEET] = xml.encode()
    return _write_zip(path, parts, None)


def shared_strings_xlsx(path: Path, count: int = 2_000_000) -> Path:
    """An XLSX whose shared-string table holds ``count`` distinct strings."""

    def table(member: io.BufferedIOBase) -> None:
        member.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
            b'schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )  # no count attributes: the strings themselves are counted
        for start in range(0, count, 10_000):
            member.write(b"".join(b"<si><t>s%d</t></si>" % n for n in range(start, start + 10_000)))
        member.write(b"</sst>")

    parts = _skeleton()
    parts.setdefault(SHARED, b"")
    return _write_zip(path, parts, (SHARED, table))


def invalid_csv(path: Path, rows: int = 800_000) -> Path:
    """A roster CSV whose ``rows`` data rows are all invalid."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(data.COLUMNS)
        bad = ["?"] * len(data.COLUMNS)
        for n in range(rows):
            writer.writerow([f"BAD{n}", *bad[1:]])
    return path


def valid_csv(path: Path, rows: list[dict]) -> Path:
    path.write_bytes(data.roster_csv(rows))
    return path


def valid_xlsx(path: Path, rows: list[dict]) -> Path:
    path.write_bytes(data.roster_xlsx(rows))
    return path

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


# --- v3 variants (issue 21): what the red team found after v2's four were refused ---------------

_RELS = "xl/_rels/workbook.xml.rels"
_ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
    b'<office:spreadsheet><table:table table:name="Feuille1">'
)
_ODS_TAIL = b"</table:table></office:spreadsheet></office:body></office:document-content>"


def _header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{column}</t></is></c>' for column in data.COLUMNS)
    return f'<row r="1">{cells}</row>'.encode()


def _sheet_with(middle: Callable[[io.BufferedIOBase], None]) -> Callable:
    def sheet(member: io.BufferedIOBase) -> None:
        member.write(_SHEET_HEAD.encode() + b"<sheetData>" + _header_row())
        middle(member)
        member.write(b"</sheetData></worksheet>")

    return sheet


def deep_nesting_xlsx(path: Path, levels: int = 30_000_000) -> Path:
    """An XLSX whose second row's cell opens ``levels`` nested elements (~90 MB inflated)."""

    def middle(member: io.BufferedIOBase) -> None:
        member.write(b'<row r="2"><c r="A2" t="inlineStr"><is>')
        for _ in range(levels // 1_000_000):
            member.write(b"<x>" * 1_000_000)

    return _write_zip(path, _skeleton(), (SHEET, _sheet_with(middle)))


def many_relationships_xlsx(path: Path, count: int = 1_800_000) -> Path:
    """An XLSX whose workbook relationships part lists ``count`` relationships (~99 MB)."""
    parts = _skeleton()

    def rels(member: io.BufferedIOBase) -> None:
        member.write(parts[_RELS].split(b"</Relationships>")[0])
        for start in range(0, count, 10_000):
            member.write(b"".join(b'<Relationship Id="x%d" Type="t%d" Target="a"/>' % (n, n)
                                  for n in range(start, start + 10_000)))  # fmt: skip
        member.write(b"</Relationships>")

    return _write_zip(path, parts, (_RELS, rels))


def huge_attribute_xlsx(path: Path, size: int = 99_000_000) -> Path:
    """An XLSX whose second row's cell carries one attribute of ``size`` bytes."""

    def middle(member: io.BufferedIOBase) -> None:
        member.write(b'<row r="2"><c r="A2" t="inlineStr" x="')
        for _ in range(size // 1_000_000):
            member.write(b"a" * 1_000_000)
        member.write(b'"><is><t>x</t></is></c></row>')

    return _write_zip(path, _skeleton(), (SHEET, _sheet_with(middle)))


def empty_lines_csv(path: Path, lines: int = 48_000_000) -> Path:
    """A roster CSV: its header, then ``lines`` empty lines (48 MB: under the 50 MB upload)."""
    with path.open("wb") as out:
        out.write(";".join(data.COLUMNS).encode() + b"\n")
        for _ in range(lines // 1_000_000):
            out.write(b"\n" * 1_000_000)
    return path


def separator_lines_csv(path: Path, lines: int = 2_000_000) -> Path:
    """A roster CSV: its header, then ``lines`` lines of separators only (what a spreadsheet
    saves when formatted cells reach far below the data)."""
    empty = b";" * (len(data.COLUMNS) - 1) + b"\r\n"
    with path.open("wb") as out:
        out.write(";".join(data.COLUMNS).encode() + b"\r\n")
        for _ in range(lines // 100_000):
            out.write(empty * 100_000)
    return path


def _ods(path: Path, body: Callable[[io.BufferedIOBase], None]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         zipfile.ZIP_STORED)  # fmt: skip
        with archive.open("content.xml", "w", force_zip64=True) as member:
            member.write(_ODS_HEAD)
            body(member)
            member.write(_ODS_TAIL)
    return path


def _ods_header() -> bytes:
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{column}</text:p></table:table-cell>'
        for column in data.COLUMNS
    )
    return f"<table:table-row>{cells}</table:table-row>".encode()


def repeated_rows_ods(path: Path) -> Path:
    """A ~3 KB ODS repeating one filled row a million times (python-calamine: 760 MB)."""
    row = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'

    def body(member: io.BufferedIOBase) -> None:
        member.write(_ods_header())
        member.write(b'<table:table-row table:number-rows-repeated="1000000">' + row * 3)
        member.write(b"</table:table-row>")

    return _ods(path, body)


def deep_nesting_ods(path: Path, levels: int = 30_000_000) -> Path:
    def body(member: io.BufferedIOBase) -> None:
        member.write(_ods_header() + b"<table:table-row><table:table-cell><text:p>")
        for _ in range(levels // 1_000_000):
            member.write(b"<x>" * 1_000_000)

    return _ods(path, body)


def huge_attribute_ods(path: Path, size: int = 99_000_000) -> Path:
    def body(member: io.BufferedIOBase) -> None:
        member.write(_ods_header() + b'<table:table-row><table:table-cell x="')
        for _ in range(size // 1_000_000):
            member.write(b"a" * 1_000_000)
        member.write(b'"/></table:table-row>')

    return _ods(path, body)


def valid_ods(path: Path, rows: list[dict]) -> Path:
    """The roster at the limits as an ODS, written as LibreOffice writes one (one text cell per
    value, the empty rows after the data as one repeated row)."""

    def cell(value: object) -> bytes:
        text = "" if value is None else str(value)
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode()
        return (
            b'<table:table-cell office:value-type="string"><text:p>' + escaped
            + b"</text:p></table:table-cell>"
        )  # fmt: skip

    def body(member: io.BufferedIOBase) -> None:
        member.write(_ods_header())
        table = data.roster_csv(rows).decode("cp1252").splitlines()[1:]
        for line in csv.reader(table, delimiter=";"):
            cells = b"".join(cell(value) for value in line)
            member.write(b"<table:table-row>" + cells + b"</table:table-row>")
        member.write(b'<table:table-row table:number-rows-repeated="948575"><table:table-cell '
                     b'table:number-columns-repeated="1024"/></table:table-row>')  # fmt: skip

    return _ods(path, body)

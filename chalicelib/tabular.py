"""Uploaded file → a header and lazily read rows (SPEC §5: CSV, XLSX, ODS, XLS). Pure, no network.

CSV: separator ``;``, ``,`` or tab, detected on the header line; each line decoded on its own,
UTF-8 (BOM or not) else Windows-1252, so a cp1252 export with one UTF-8 line (pasted from a web
page) is read right, and the mix is reported in ``Table.notes``. XLSX: see ``chalicelib.xlsx``;
ODS (LibreOffice): ``chalicelib.ods``; XLS (Excel 97–2003): ``chalicelib.xls``.
Rows are numbered as the spreadsheet shows them (header = row 1, or the row where the header is when
leading rows are empty); fully empty rows are skipped but keep their number. Every row list has
exactly ``len(headers)`` cells (cells beyond the header are extra columns, ignored).

Limits (``chalicelib.limits``) are enforced before the rows are read (line count, zip directory,
declared dimension) and while streaming (row count, columns, cell length): problems with the file as
a whole raise ``UnreadableFileError`` or ``FileLimitError``, from ``read_table`` or from the row
iterator, naming the row. Invisible format characters (bidi controls, zero-width spaces, soft
hyphens, BOMs) are removed from every cell by ``cell_text``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from chalicelib import limits, ods, xls, xlsx
from chalicelib.errors import UnreadableFileError
from chalicelib.headers import map_columns, normalize_header, unmapped_headers
from chalicelib.table_rows import (
    HEADER_ROWS,
    FileNote,
    HeaderTest,
    Row,
    cell_text,
    data_rows,
    find_header,
)

MAX_COLUMNS = limits.MAX_COLUMNS
MAX_CELL_CHARS = limits.MAX_CELL_CHARS
MAX_LINE_BYTES = 4 * MAX_COLUMNS * MAX_CELL_CHARS  # UTF-8 takes up to 4 bytes a character
_SEPARATORS = (";", ",", "\t")  # on a tie, the first wins (French Excel writes ";")
_XLSX_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"
_FORMATS = xlsx.FORMATS
SHOWN_LINES = 10
_BLANK_BYTES = b' \t\r;,"'  # what a line of empty cells holds besides its line end
_BLANK_RUNS = re.compile(rb"\n+")


@dataclass
class Table:
    """The header cells (as written, trimmed), an iterator of ``(row_number, cells)``, and notes
    completed once the rows have been read."""

    headers: list[str]
    rows: Iterator[Row]
    notes: list[FileNote] = field(default_factory=list)


def read_table(source: bytes | IO[bytes], header: HeaderTest | None = None) -> Table:
    """Read the header eagerly (file-level problems raise here) and stream the rows.
    ``source``: the bytes, or a seekable binary file (an S3 object spooled to disk).
    ``header``: says whether a row names the required columns (and how many known ones), to find
    the header below a title line; without it, the first row with two named cells is the header."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    start = stream.read(1 << 16)
    stream.seek(0)
    if not start.strip():
        raise UnreadableFileError("Le fichier est vide.")
    if start.startswith(_XLSX_MAGIC):
        if ods.MIMETYPE in start[:256]:
            return _read_workbook(ods.first_sheet_rows(stream), header, "ODS")
        return _read_workbook(xlsx.first_sheet_rows(stream), header, "XLSX")
    if start.startswith(xls.OLE2_MAGIC):
        found = find_header(xls.first_sheet_rows(stream), header, "XLS")
        return Table(found.headers, data_rows(found.rows, len(found.headers)), found.notes)
    _refuse_other_formats(start)
    return _read_csv(stream, header)


def _refuse_other_formats(start: bytes) -> None:
    """``start``: the first 64 KB."""
    if start.startswith(b"%PDF"):
        raise UnreadableFileError(f"Un PDF n'est pas un fichier de données : {_FORMATS}.")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(
            "Encodage UTF-16 non pris en charge : enregistrez en « CSV UTF-8 » ou en XLSX."
        )
    if b"\x00" in start:
        raise UnreadableFileError(f"Fichier binaire non reconnu : {_FORMATS}.")


def _read_csv(stream: IO[bytes], test: HeaderTest | None) -> Table:
    _check_csv_length(stream)
    lines = _DecodedLines(stream)
    separator = _separator_of(lines.first_lines())
    csv.field_size_limit(MAX_CELL_CHARS)
    records = _csv_records(csv.reader(iter(lines), delimiter=separator))
    found = find_header(records, test, "CSV")
    table = Table(found.headers, iter(()), found.notes)
    rows = data_rows(found.rows, len(found.headers))
    table.rows = _with_notes(rows, lines, table.notes)
    return table


def _check_csv_length(stream: IO[bytes]) -> None:
    """Refuse a CSV of more data rows than the limit before validating any: counting line ends
    is nearly free. Beyond ``limits.MAX_LINES`` lines, empty or not, the file is refused (48
    million empty lines took 67 s to read). Otherwise lines holding more than separators and
    spaces are counted at C speed; only when they exceed the limit are records counted (quoted
    cells may hold line breaks)."""
    newlines = filled = 0
    while chunk := stream.read(1 << 20):
        newlines += chunk.count(b"\n")
        if newlines > limits.MAX_LINES:
            stream.seek(0)
            raise limits.too_many_lines()
        filled += _BLANK_RUNS.sub(b"\n", chunk.translate(None, _BLANK_BYTES)).count(b"\n")
    stream.seek(0)
    if newlines <= limits.MAX_ROWS + 1 or filled <= limits.MAX_ROWS + 1:
        return  # (a chunk's first line may count twice: ``filled`` is an upper bound, ±1 a MB)
    records = csv.reader(iter(_DecodedLines(stream)), delimiter=";")
    csv.field_size_limit(MAX_CELL_CHARS * MAX_COLUMNS)
    try:
        filled = sum(1 for record in records if any(cell.strip() for cell in record))
    except csv.Error:
        filled = 0  # the real read names the defect
    stream.seek(0)
    if filled > limits.MAX_ROWS + 1:
        raise limits.too_many_rows()


class _DecodedLines:
    """The file's lines, each decoded as UTF-8, else Windows-1252; remembers which was which."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.utf8_lines: list[int] = []  # non-ASCII lines read as UTF-8
        self.cp1252_lines: list[int] = []
        self.cp1252_total = 0
        self.utf8_total = 0

    def first_lines(self) -> list[str]:
        """The first non-blank lines (where the header may be), then back to the start."""
        found: list[str] = []
        for line in self:
            if line.strip():
                found.append(line)
                if len(found) == HEADER_ROWS:
                    break
        self.stream.seek(0)
        self.utf8_lines.clear()
        self.cp1252_lines.clear()
        self.cp1252_total = self.utf8_total = 0
        return found

    def __iter__(self) -> Iterator[str]:
        number = 0
        while raw := self.stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise UnreadableFileError(
                    f"Ligne {number} démesurément longue : le fichier n'est pas un tableau."
                )
            if number == 1 and raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
            yield self._decode(number, raw)

    def _decode(self, number: int, raw: bytes) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text = raw.decode("utf-8")
            self.utf8_total += 1
            if len(self.utf8_lines) < SHOWN_LINES:
                self.utf8_lines.append(number)
            return text
        except UnicodeDecodeError:
            pass
        self.cp1252_total += 1
        if len(self.cp1252_lines) < SHOWN_LINES:
            self.cp1252_lines.append(number)
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFileError(
                f"Encodage non reconnu à la ligne {number} : enregistrez le fichier en CSV "
                "(UTF-8 ou Windows-1252) ou XLSX."
            ) from None

    def mixed_note(self) -> FileNote | None:
        if not (self.utf8_total and self.cp1252_total):
            return None
        if self.utf8_total <= self.cp1252_total:
            odd, count, kind, other = self.utf8_lines, self.utf8_total, "UTF-8", "Windows-1252"
        else:
            odd, count, kind, other = self.cp1252_lines, self.cp1252_total, "Windows-1252", "UTF-8"
        shown = ", ".join(str(n) for n in odd) + (" …" if count > len(odd) else "")
        return FileNote(
            "mixed_encoding",
            f"Fichier enregistré en {other} dont {count} ligne(s) ({shown}) sont en {kind} : "
            "chaque ligne a été lue dans son propre encodage ; vérifiez les accents de ces "
            "lignes et réenregistrez le fichier d'un seul tenant (de préférence « CSV UTF-8 »).",
        )


def _with_notes(rows: Iterator[Row], lines: _DecodedLines, notes: list[FileNote]) -> Iterator[Row]:
    yield from rows
    note = lines.mixed_note()
    if note is not None:
        notes.append(note)


def _separator_of(lines: list[str]) -> str:
    """The separator that occurs most, outside quotes, on one of the first non-blank lines (a
    title line above the header may hold a comma, the header many semicolons)."""
    best, most = _SEPARATORS[0], 0
    for line in lines:
        counts = dict.fromkeys(_SEPARATORS, 0)
        quoted = False
        for ch in line:
            if ch == '"':
                quoted = not quoted
            elif not quoted and ch in counts:
                counts[ch] += 1
        for separator in _SEPARATORS:
            if counts[separator] > most:
                best, most = separator, counts[separator]
    if not most:
        raise UnreadableFileError(
            "Séparateur de colonnes introuvable : aucune des "
            f"{HEADER_ROWS} premières lignes ne nomme les colonnes ; {_FORMATS}."
        )
    return best


def _csv_records(reader: Iterable[list[str]]) -> Iterator[Row]:
    iterator = iter(reader)
    number = 0
    while True:
        number += 1
        try:
            record = next(iterator)
        except StopIteration:
            return
        except csv.Error:
            raise UnreadableFileError(
                f"CSV illisible à la ligne {number} : cellule de plus de {MAX_CELL_CHARS} "
                "caractères ou guillemets mal fermés."
            ) from None
        cells: list[object] = list(record)
        yield number, cells


def _read_workbook(opened: tuple[Iterator[Row], Any], test: HeaderTest | None, kind: str) -> Table:
    """An XLSX or ODS workbook's first sheet; the archive is closed once the rows are read."""
    rows, workbook = opened
    try:
        found = find_header(iter(rows), test, kind)
    except BaseException:
        workbook.close()
        raise
    rows = data_rows(found.rows, len(found.headers))
    return Table(found.headers, _closing(rows, workbook), found.notes)


def _closing(rows: Iterator[Row], workbook: object) -> Iterator[Row]:
    try:
        yield from rows
    finally:
        workbook.close()  # type: ignore[attr-defined]


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "FileNote",
    "HeaderTest",
    "Table",
    "cell_text",
    "map_columns",
    "normalize_header",
    "read_table",
    "unmapped_headers",
]

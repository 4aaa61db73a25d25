"""Uploaded file → a header and lazily read rows (SPEC §5: CSV or XLSX). Pure, no network.

CSV: separator ``;``, ``,`` or tab, detected on the header line; each line decoded on its own,
UTF-8 (BOM or not) else Windows-1252, so a cp1252 export with one UTF-8 line (pasted from a web
page) is read right, and the mix is reported in ``Table.notes``. XLSX: see ``chalicelib.xlsx``.
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
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from chalicelib import limits, xlsx
from chalicelib.errors import UnreadableFileError
from chalicelib.headers import map_columns, normalize_header, unmapped_headers

MAX_COLUMNS = limits.MAX_COLUMNS
MAX_CELL_CHARS = limits.MAX_CELL_CHARS
MAX_LINE_BYTES = 4 * MAX_COLUMNS * MAX_CELL_CHARS  # UTF-8 takes up to 4 bytes a character
_SEPARATORS = (";", ",", "\t")  # on a tie, the first wins (French Excel writes ";")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_FORMATS = xlsx.FORMATS
SHOWN_LINES = 10
# Unicode's format characters (category Cf, Unicode 14): bidi controls (U+202A–202E, U+2066–2069),
# zero-width spaces and joiners, soft hyphen, BOM, tags… One regex: this runs on every cell.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)

Row = tuple[int, list[object]]


@dataclass(frozen=True)
class FileNote:
    """Something about the file as a whole worth a warning (not an error)."""

    code: str
    message: str


@dataclass
class Table:
    """The header cells (as written, trimmed), an iterator of ``(row_number, cells)``, and notes
    completed once the rows have been read."""

    headers: list[str]
    rows: Iterator[Row]
    notes: list[FileNote] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell as trimmed text: None → "", 612345678.0 → "612345678", dates in ISO form;
    invisible format characters (category Cf: U+202E, U+200B, U+00AD, U+FEFF…) removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return text.strip()


def read_table(source: bytes | IO[bytes]) -> Table:
    """Read the header eagerly (file-level problems raise here) and stream the rows.
    ``source``: the bytes, or a seekable binary file (an S3 object spooled to disk)."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    start = stream.read(1 << 16)
    stream.seek(0)
    if not start.strip():
        raise UnreadableFileError("Le fichier est vide.")
    if start.startswith(_XLSX_MAGIC):
        return _read_xlsx(stream)
    _refuse_other_formats(start)
    return _read_csv(stream)


def _refuse_other_formats(start: bytes) -> None:
    """``start``: the first 64 KB."""
    if start.startswith(_OLE2_MAGIC):
        raise UnreadableFileError(
            "Ancien format Excel (.xls) ou classeur protégé par mot de passe : "
            "enregistrez le fichier au format .xlsx ou CSV."
        )
    if start.startswith(b"%PDF"):
        raise UnreadableFileError(f"Un PDF n'est pas un fichier de données : {_FORMATS}.")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(
            "Encodage UTF-16 non pris en charge : enregistrez en « CSV UTF-8 » ou en XLSX."
        )
    if b"\x00" in start:
        raise UnreadableFileError(f"Fichier binaire non reconnu : {_FORMATS}.")


def _read_csv(stream: IO[bytes]) -> Table:
    _check_csv_length(stream)
    lines = _DecodedLines(stream)
    separator = _separator_of(lines.first_line())
    csv.field_size_limit(MAX_CELL_CHARS)
    records = _csv_records(csv.reader(iter(lines), delimiter=separator))
    headers = _header(records, from_csv=True)
    table = Table(headers, iter(()))
    table.rows = _with_notes(_data_rows(records, len(headers)), lines, table.notes)
    return table


def _check_csv_length(stream: IO[bytes]) -> None:
    """Refuse a CSV of more data rows than the limit before validating any: counting line ends
    is nearly free; only when they exceed the limit are records counted (quoted cells may hold
    line breaks)."""
    newlines = 0
    while chunk := stream.read(1 << 20):
        newlines += chunk.count(b"\n")
    stream.seek(0)
    if newlines <= limits.MAX_ROWS + 1:
        return
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

    def first_line(self) -> str:
        for line in self:
            if line.strip():
                self.stream.seek(0)
                self.utf8_lines.clear()
                self.cp1252_lines.clear()
                self.cp1252_total = self.utf8_total = 0
                return line
        return ""

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


def _separator_of(line: str) -> str:
    """The separator that occurs most, outside quotes, on the first non-blank line."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise UnreadableFileError(
            "Séparateur de colonnes introuvable sur la ligne d'en-tête : "
            f"la première ligne doit nommer les colonnes ; {_FORMATS}."
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


def _header(records: Iterator[Row], *, from_csv: bool) -> list[str]:
    for number, cells in records:
        texts = [cell_text(cell) for cell in _trimmed(cells)]
        if not any(texts):
            continue
        if len(texts) > MAX_COLUMNS:
            raise limits.too_many_columns(number)
        named = [text for text in texts if text]
        garbage = any(_has_control(text) for text in named)
        if len(named) < 2 or garbage:
            raise UnreadableFileError(
                "Ligne d'en-tête illisible : la première ligne doit nommer les colonnes "
                f"({_FORMATS})."
            )
        return texts
    if from_csv:
        raise UnreadableFileError("Le fichier ne contient aucune ligne lisible.")
    raise UnreadableFileError("La première feuille du classeur est vide.")


def _data_rows(records: Iterator[Row], width: int) -> Iterator[Row]:
    count = 0
    for number, cells in records:
        end = _filled_width(cells)
        if end > MAX_COLUMNS:
            raise limits.too_many_columns(number)
        if not end:  # no filled cell
            continue
        count += 1
        if count > limits.MAX_ROWS:
            raise limits.too_many_rows()
        # one copy of each row (the reader may reuse its lists)
        yield number, cells[:width] if end >= width else [*cells[:end], *([None] * (width - end))]


def _trimmed(cells: list[object] | tuple[object, ...]) -> list[object]:
    return list(cells[: _filled_width(cells)])


def _filled_width(cells: list[object] | tuple[object, ...]) -> int:
    """The cells up to the last filled one."""
    end = len(cells)
    while end and not _filled(cells[end - 1]):
        end -= 1
    return end


def _filled(cell: object) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text)


def _read_xlsx(stream: IO[bytes]) -> Table:
    rows, workbook = xlsx.first_sheet_rows(stream)
    try:
        records = iter(rows)
        headers = _header(records, from_csv=False)
    except BaseException:
        workbook.close()
        raise
    return Table(headers, _closing(_data_rows(records, len(headers)), workbook))


def _closing(rows: Iterator[Row], workbook: object) -> Iterator[Row]:
    try:
        yield from rows
    finally:
        workbook.close()  # type: ignore[attr-defined]


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "FileNote",
    "Table",
    "cell_text",
    "map_columns",
    "normalize_header",
    "read_table",
    "unmapped_headers",
]

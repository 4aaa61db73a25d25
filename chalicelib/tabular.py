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
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from chalicelib import limits, ods, xls, xlsx
from chalicelib.errors import RelaisError, UnreadableFileError
from chalicelib.headers import map_columns, normalize_header, unmapped_headers

MAX_COLUMNS = limits.MAX_COLUMNS
MAX_CELL_CHARS = limits.MAX_CELL_CHARS
MAX_LINE_BYTES = 4 * MAX_COLUMNS * MAX_CELL_CHARS  # UTF-8 takes up to 4 bytes a character
_SEPARATORS = (";", ",", "\t")  # on a tie, the first wins (French Excel writes ";")
_XLSX_MAGIC = b"PK\x03\x04"
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
# A header row's texts → (names every required column, how many known columns it names)
HeaderTest = Callable[[list[str]], tuple[bool, int]]
HEADER_ROWS = 10  # the header is looked for among the first 10 non-empty rows (SPEC §5)


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
        return Table(found.headers, _data_rows(found.rows, len(found.headers)), found.notes)
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
    rows = _data_rows(found.rows, len(found.headers))
    table.rows = _with_notes(rows, lines, table.notes)
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


@dataclass
class FoundHeader:
    headers: list[str]
    rows: Iterator[Row]  # the data rows, from the one after the header
    notes: list[FileNote]


def find_header(records: Iterator[Row], test: HeaderTest | None, kind: str) -> FoundHeader:
    """The header: the first of the first ``HEADER_ROWS`` non-empty rows that names the required
    columns (``test``), else the one naming the most known columns, else the first that names two
    cells. Rows above it (title, date, empty) are skipped with a note; numbers stay as read. A
    defect met while looking ahead is raised where it is, when the rows are read."""
    seen: list[tuple[int, list[str]]] = []
    pending: list[Row] = []
    deferred: RelaisError | None = None
    try:
        for number, cells in records:
            texts = [cell_text(cell) for cell in _trimmed(cells)]
            if not any(texts):
                continue
            if len(texts) > MAX_COLUMNS:
                raise limits.too_many_columns(number)
            pending.append((number, cells))
            seen.append((number, texts))
            if (test(texts)[0] if test else _readable(texts)) or len(seen) == HEADER_ROWS:
                break
    except RelaisError as error:
        if not seen:
            raise
        deferred = error
    chosen = _best_header(seen, test, kind)
    rest: Iterable[Row] = [row for row in pending if row[0] > chosen[0]]
    if deferred is not None:
        rest = itertools.chain(rest, _raising(deferred))
    notes = _skipped_note(seen, chosen[0])
    return FoundHeader(chosen[1], itertools.chain(rest, records), notes)


def _raising(error: RelaisError) -> Iterator[Row]:
    raise error
    yield  # a generator: raises when the rows reach it


def _best_header(
    seen: list[tuple[int, list[str]]], test: HeaderTest | None, kind: str
) -> tuple[int, list[str]]:
    if not seen:
        if kind == "CSV":
            raise UnreadableFileError("Le fichier ne contient aucune ligne lisible.")
        raise UnreadableFileError("La première feuille du classeur est vide.")
    if any(_has_control(text) for text in seen[0][1]):
        readable = []  # binary garbage first: not a table with a title line
    else:
        readable = [(number, texts) for number, texts in seen if _readable(texts)]
    if test is not None:
        scored = [(test(texts), number, texts) for number, texts in readable]
        complete = [(number, texts) for (ok, _), number, texts in scored if ok]
        if complete:
            return complete[0]
        best = max((known for (_, known), _, _ in scored), default=0)
        if best:
            return next((n, t) for (_, known), n, t in scored if known == best)
    if readable and (test is None or readable[0][0] == seen[0][0]):
        return readable[0]  # the first readable row: the missing columns will be named
    raise UnreadableFileError(
        f"Ligne d'en-tête illisible : aucune des {HEADER_ROWS} premières lignes de ce fichier "
        f"{kind} ne nomme les colonnes ({_FORMATS})."
    )


def _readable(texts: list[str]) -> bool:
    """Could be a header: two named cells at least, no control characters (binary garbage)."""
    return sum(1 for text in texts if text) >= 2 and not any(_has_control(t) for t in texts)


def _skipped_note(seen: list[tuple[int, list[str]]], header_row: int) -> list[FileNote]:
    above = [number for number, _ in seen if number < header_row]
    if header_row == 1 or not above:
        return []
    return [
        FileNote(
            "header_not_first",
            f"En-tête des colonnes lu à la ligne {header_row} : les lignes au-dessus (titre, "
            "date ou lignes vides) ont été ignorées ; les numéros de ligne sont ceux du fichier.",
        )
    ]


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


def _read_workbook(opened: tuple[Iterator[Row], Any], test: HeaderTest | None, kind: str) -> Table:
    """An XLSX or ODS workbook's first sheet; the archive is closed once the rows are read."""
    rows, workbook = opened
    try:
        found = find_header(iter(rows), test, kind)
    except BaseException:
        workbook.close()
        raise
    rows = _data_rows(found.rows, len(found.headers))
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

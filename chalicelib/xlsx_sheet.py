"""A worksheet part → ``(row number, cells)``, streamed (SPEC §10: 100,000 rows well within 10 s
of CPU). Pure. Rows of the shapes exporters write are read by ``xlsx_rows`` (regular
expressions, three times faster); the head, the tail and any other row by the C parser
``xml.parsers.expat``, whose callbacks (``SheetReader``) say what each row means.

Each ``<row>`` keeps the number the spreadsheet shows (``r``), so a lone cell at row 8,000,000 is
refused when met, without producing the empty rows before it. Cell values as openpyxl reads them
(``data_only``): shared and inline strings as text, numbers as int or float, booleans, dates as
``datetime`` (``time`` below one day, ``timedelta`` for ``[h]:mm`` durations); formulas give their
cached value. Only whole rows reach the caller, a 64 KB chunk of XML at a time.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from typing import Any
from xml.parsers import expat

from chalicelib import limits, xml_guard
from chalicelib.errors import UnreadableFileError
from chalicelib.xlsx_parts import WINDOWS_EPOCH, Workbook
from chalicelib.xlsx_rows import FastRows

Cells = list[object]
_CHUNK = 1 << 16
_DIGITS = "0123456789"
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")  # "x:" when the exporter writes x:c
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*encoding=[\"']([\w.-]+)")
# characters without a row end: expat reads them (a row at the limits has ~210,000)
_MAX_PENDING = 1 << 20
_TAG_WINDOW = 256  # a <sheetData> start tag longer than this is missed: expat then reads more
_MS_PER_DAY = 86_400_000
_DATES_KEPT = 20_000  # distinct dates remembered per sheet (a few MB at most)
_MAX_COLUMNS = limits.MAX_COLUMNS
_MAX_CELL_CHARS = limits.MAX_CELL_CHARS


def from_excel(serial: float, epoch: datetime, *, duration: bool = False) -> object:
    """An Excel date serial as Python: ``time`` under one day, else ``datetime``. The 1900
    system counts a 29 February 1900 that never was: serials before 60 are one day later."""
    if duration:
        return timedelta(milliseconds=round(serial * _MS_PER_DAY))
    day, fraction = divmod(serial, 1)
    within = timedelta(milliseconds=round(fraction * _MS_PER_DAY))
    if 0 <= serial < 1 and within.days == 0:
        minutes, seconds = divmod(within.seconds, 60)
        return time(minutes // 60, minutes % 60, seconds, within.microseconds)
    if 0 < serial < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + timedelta(days=day) + within


def column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class SheetReader:
    """expat handlers building each ``<row>``'s values; ``rows`` holds the rows completed so
    far. Every limit of SPEC §5.1 that a row can break is checked as the row is read. The
    handlers run once per XML element (millions): they compare interned tag names and do
    nothing else for the elements they skip. ``xlsx_rows.FastRows`` shares ``open_row``,
    ``convert`` and ``place`` for the rows it reads instead."""

    def __init__(self, workbook: Workbook, prefix: str = "") -> None:
        self.workbook = workbook
        self.rows: list[tuple[int, Cells]] = []
        self.number = 0  # the row being read, as the spreadsheet numbers it
        self.values: Cells = []
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.parts: list[str] | None = None  # text of the current cell, None when it has none
        self.collecting = False
        self.phonetic = 0
        self.columns: dict[str, int] = {}
        # date cells by style and serial: birth dates repeat over a roster's rows
        self._dates: dict[tuple[int, float], object] = {}
        # expat's byte offset of the last row end (or of <sheetData>): see ``between_rows``
        self.boundary = -1
        self.tags = {name: prefix + name for name in ("c", "v", "t", "row", "rPh", "sheetData")}

    def handlers(self, offset: Callable[[], int]) -> tuple[Any, Any, Any]:  # noqa: C901
        """``(start, end, text)`` closures (no attribute lookups for the elements skipped);
        ``offset``: expat's current byte index."""
        cell, value, text, row, phonetic, sheet_data = self.tags.values()
        columns = self.columns
        depth = [0]  # elements open: expat keeps them all (30 million nested held 3.7 GB)

        def start(tag: str, attrs: dict[str, str]) -> None:
            depth[0] += 1
            if depth[0] > xml_guard.MAX_DEPTH:
                raise xml_guard.too_deep("XLSX")
            if tag == cell:  # inlined: a million cells
                reference = attrs.get("r")
                if reference:
                    letters = reference.rstrip(_DIGITS)
                    self.column = columns.get(letters) or self.column_of(letters)
                else:
                    self.column += 1
                self.kind = attrs.get("t", "n")
                style = attrs.get("s")
                self.style = int(style) if style else 0
            elif tag == value or (tag == text and not self.phonetic):
                self.collecting = True
                if self.parts is None:
                    self.parts = []
            elif tag == row:
                self.open_row(attrs.get("r"))
            elif tag == phonetic:
                self.phonetic += 1
            elif tag == sheet_data:
                self.boundary = offset()

        def end(tag: str) -> None:
            depth[0] -= 1
            if tag == cell:
                if self.parts is not None:
                    self.close_cell()
            elif tag in (value, text):
                self.collecting = False
            elif tag == row:
                self.rows.append((self.number, self.values))
                self.boundary = offset()
            elif tag == phonetic:
                self.phonetic -= 1

        def characters(data: str) -> None:
            if self.collecting:
                self.parts.append(data)  # type: ignore[union-attr]

        return start, end, characters

    def between_rows(self, tag_offset: int) -> bool:
        """Whether the last thing expat read is the row end (or ``<sheetData>``) at
        ``tag_offset``, outside any cell: the next rows may then be read by ``FastRows``."""
        return (
            self.boundary == tag_offset
            and self.parts is None
            and not self.collecting
            and not self.phonetic
        )

    def column_of(self, letters: str) -> int:
        return self.columns.setdefault(letters, column_number(letters))

    def open_row(self, reference: str | None) -> None:
        self.number = int(reference) if reference else self.number + 1
        if self.number > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
        self.values = []
        self.column = 0

    def convert(self, kind: str, style: int, text: str) -> object:
        """A cell's text as the value its type ``t`` and style ``s`` say."""
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text  # inline text, a formula's cached text, an error (#N/A…)
        if not text:
            return None
        if kind == "s":
            return self.workbook.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                return text
        return self._number(style, text)

    def _number(self, style: int, text: str) -> object:
        number: float = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        if style not in self.workbook.date_styles:
            return number
        key = (style, number)
        found = self._dates.get(key)
        if found is None:
            found = self._date(style, number)
            if len(self._dates) < _DATES_KEPT:
                self._dates[key] = found
        return found

    def _date(self, style: int, number: float) -> object:
        try:
            duration = style in self.workbook.duration_styles
            return from_excel(number, self.workbook.epoch, duration=duration)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date out of Python's range, as openpyxl reads it

    def close_cell(self) -> None:
        text = "".join(self.parts or ())
        self.parts = None
        self.place(self.column, self.convert(self.kind, self.style, text))

    def place(self, column: int, value: object) -> None:
        """A cell's value into the row, once the limits are checked; nothing for an empty one.
        Runs for every cell (1.5 million in a sheet at the limits): the next column appended."""
        if value is None or value == "":
            return
        if column > _MAX_COLUMNS:
            raise limits.too_many_columns(self.number)
        if isinstance(value, str) and len(value) > _MAX_CELL_CHARS:
            raise limits.cell_too_long(self.number)
        values = self.values
        gap = column - 1 - len(values)
        if gap < 0:
            values[column - 1] = value
            return
        if gap:
            values.extend([None] * gap)
        values.append(value)


def sheet_rows(
    archive: zipfile.ZipFile, workbook: Workbook, *, fast: bool = True
) -> Iterator[tuple[int, Cells]]:
    """The first worksheet's rows, a chunk of XML at a time (expat errors propagate). ``fast``:
    rows of the common shapes read by ``xlsx_rows`` (False: expat reads every row)."""
    with archive.open(workbook.sheet) as part:
        head = part.read(_CHUNK)
        found = _PREFIX.search(head)
        prefix = (found.group(1) or b"").decode() if found else ""
        declared = _ENCODING.match(head)
        utf8 = declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")
        stream = _SheetStream(SheetReader(workbook, prefix), prefix, fast=fast and utf8)
        guard = xml_guard.ChunkGuard("XLSX")
        chunk = head
        while True:
            try:
                guard.check(chunk)
                stream.feed(chunk)
            except (limits.FileLimitError, UnreadableFileError):
                yield from stream.reader.rows  # the rows before the one refused come first
                raise
            yield from stream.reader.rows
            stream.reader.rows.clear()
            if not chunk:
                return
            chunk = part.read(_CHUNK)


class _SheetStream:
    """Gives the sheet's text to ``FastRows`` while expat stands between two rows, and the rest
    to expat (the head, the rows of other shapes, the tail) cut right after a row end, so that
    expat can tell whether it stands between rows again (``SheetReader.between_rows``). The
    rows ``FastRows`` reads are well-formed and balanced: expat, never given them, reads the
    document that is left as it would have read the whole one."""

    def __init__(self, reader: SheetReader, prefix: str, *, fast: bool) -> None:
        self.reader = reader
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler, self.parser.EndElementHandler, handler = reader.handlers(
            lambda: self.parser.CurrentByteIndex
        )
        self.parser.CharacterDataHandler = handler
        self.fast = FastRows(reader, prefix) if fast else None
        tag = re.escape(prefix)
        self.boundary = re.compile(f"</{tag}row>|<{tag}sheetData(?:[ \t\r\n][^>]*)?(?<!/)>")
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""  # decoded and not read yet, from ``self.start`` on
        self.start = 0
        self.searched = 0  # no row end starts between ``start`` and here
        self.fed = 0  # bytes given to expat
        self.between = False

    def feed(self, chunk: bytes) -> None:
        """Reads what ``chunk`` completes; the last chunk is empty."""
        if self.fast is None:
            self._expat(chunk, final=not chunk)
            return
        undecoded = self.decoder.getstate()[0]  # a character cut by the previous chunk
        try:
            text = self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:  # not UTF-8: expat reads the rest and says what is wrong
            self.fast = None
            rest = self.text[self.start :].encode() + undecoded + chunk
            self._expat(rest, final=not chunk)
            return
        self.text = self.text[self.start :] + text
        self.searched = max(0, self.searched - self.start)
        self.start = 0
        self._read()
        if not chunk or len(self.text) - self.start > _MAX_PENDING:
            self._expat(self.text[self.start :].encode(), final=not chunk)
            self.text, self.start, self.searched, self.between = "", 0, 0, False

    def _read(self) -> None:
        """Every row of the text up to the last row end it holds. Each character is searched
        once (a sheet of blank space or one endless row costs what its length costs)."""
        assert self.fast is not None
        while found := self.boundary.search(self.text, max(self.start, self.searched)):
            if self.between:
                self.start = self.fast.read(self.text, self.start)
                if self.start >= found.end():
                    continue  # read past this row end
            self._expat(self.text[self.start : found.end()].encode())
            self.start = found.end()
            self.between = self.reader.between_rows(self.fed - len(found.group().encode()))
        # a row end cut by the end of this text is searched again, whole, with the next chunk
        self.searched = max(self.start, len(self.text) - _TAG_WINDOW)

    def _expat(self, data: bytes, *, final: bool = False) -> None:
        self.parser.Parse(data, final)
        self.fed += len(data)

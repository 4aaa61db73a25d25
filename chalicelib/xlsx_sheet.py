"""A worksheet part → ``(row number, cells)``, streamed with the C parser ``xml.parsers.expat``
(SPEC §10: 100,000 rows well within 10 s of CPU). Pure.

Each ``<row>`` keeps the number the spreadsheet shows (``r``), so a lone cell at row 8,000,000 is
refused when met, without producing the empty rows before it. Cell values as openpyxl reads them
(``data_only``): shared and inline strings as text, numbers as int or float, booleans, dates as
``datetime`` (``time`` below one day, ``timedelta`` for ``[h]:mm`` durations); formulas give their
cached value. Only whole rows reach the caller, a 64 KB chunk of XML at a time.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from chalicelib import limits
from chalicelib.errors import UnreadableFileError
from chalicelib.xlsx_parts import WINDOWS_EPOCH, Workbook

Cells = list[object]
_CHUNK = 1 << 16
_DIGITS = "0123456789"
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")  # "x:" when the exporter writes x:c
_MS_PER_DAY = 86_400_000


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
    nothing else for the elements they skip."""

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
        self._columns: dict[str, int] = {}
        self.tags = {name: prefix + name for name in ("c", "v", "t", "row", "rPh")}

    def handlers(self) -> tuple[Any, Any, Any]:
        """``(start, end, text)`` closures: no attribute lookups for the elements skipped."""
        cell, value, text, row, phonetic = self.tags.values()
        columns = self._columns

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == cell:  # inlined: a million cells
                reference = attrs.get("r")
                if reference:
                    letters = reference.rstrip(_DIGITS)
                    known = columns.get(letters)
                    self.column = known or columns.setdefault(letters, column_number(letters))
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

        def end(tag: str) -> None:
            if tag == cell:
                if self.parts is not None:
                    self.close_cell()
            elif tag in (value, text):
                self.collecting = False
            elif tag == row:
                self.rows.append((self.number, self.values))
            elif tag == phonetic:
                self.phonetic -= 1

        def characters(data: str) -> None:
            if self.collecting:
                self.parts.append(data)  # type: ignore[union-attr]

        return start, end, characters

    def open_row(self, reference: str | None) -> None:
        self.number = int(reference) if reference else self.number + 1
        if self.number > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
        self.values = []
        self.column = 0

    def convert(self, text: str) -> object:
        kind = self.kind
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
        return self._number(text)

    def _number(self, text: str) -> object:
        number: float = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        if self.style not in self.workbook.date_styles:
            return number
        try:
            duration = self.style in self.workbook.duration_styles
            return from_excel(number, self.workbook.epoch, duration=duration)
        except (OverflowError, ValueError):
            return "#VALUE!"  # a date out of Python's range, as openpyxl reads it

    def close_cell(self) -> None:
        """The cell's value into the row, once the limits are checked."""
        text = "".join(self.parts or ())
        self.parts = None
        value = text if self.kind == "inlineStr" else self.convert(text)
        if value is None or value == "":
            return
        column = self.column
        if column > limits.MAX_COLUMNS:
            raise limits.too_many_columns(self.number)
        if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(self.number)
        values = self.values
        if column > len(values):
            values.extend([None] * (column - len(values)))
        values[column - 1] = value


def sheet_rows(archive: zipfile.ZipFile, workbook: Workbook) -> Iterator[tuple[int, Cells]]:
    """The first worksheet's rows, a chunk of XML at a time (expat errors propagate)."""
    from xml.parsers import expat

    with archive.open(workbook.sheet) as part:
        head = part.read(_CHUNK)
        prefix = _PREFIX.search(head)
        reader = SheetReader(workbook, (prefix.group(1) or b"").decode() if prefix else "")
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = (
            reader.handlers()
        )
        chunk = head
        while True:
            try:
                parser.Parse(chunk, not chunk)
            except (limits.FileLimitError, UnreadableFileError):
                yield from reader.rows  # the rows before the one refused come first
                raise
            yield from reader.rows
            reader.rows.clear()
            if not chunk:
                return
            chunk = part.read(_CHUNK)

"""ODS (OpenDocument spreadsheet, what LibreOffice saves) first sheet → rows, under the limits of
XLSX (SPEC §5, §10). Pure.

Measured before choosing: python-calamine reads ODS whole, expanding repeated rows (a 10 KB file
repeating one row a million times took 8.7 s and 760 MB), so ``content.xml`` is streamed here
with expat, 64 KB at a time, as ``xlsx_sheet`` streams a worksheet. The zip's declared sizes are
checked first (``xlsx.open_archive``: 100 MB inflated at most). Repeats are what make ODS small:
LibreOffice writes the empty rows and columns after the data as one element repeated a million
times. An empty repeated row or cell only moves the numbering; a filled one is copied, and
refused as soon as it goes beyond 100,000 rows or 200 columns. A cell's text is refused beyond
1,000 characters while it is read, so no cell is ever held whole.

Values as the XLSX reader gives them: ``float``/``percentage``/``currency`` cells as int or
float, dates as ``datetime``, times as ``time``, booleans as ``bool``, the rest as text
(``text:s`` spaces and line breaks kept). Annotations (comments) are not cell text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, time
from typing import IO, Any
from xml.parsers import expat

from chalicelib import limits, xlsx
from chalicelib.errors import UnreadableFileError

MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_CHUNK = 1 << 16
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_S = " "  # expat's namespace separator
TABLE, ROW, CELL, COVERED = (
    f"{_TABLE}{_S}{name}" for name in ("table", "table-row", "table-cell", "covered-table-cell")
)
_CELLS = (CELL, COVERED)
ROWS_REPEATED = f"{_TABLE}{_S}number-rows-repeated"
COLUMNS_REPEATED = f"{_TABLE}{_S}number-columns-repeated"
VALUE_TYPE = f"{_OFFICE}{_S}value-type"
VALUE, DATE_VALUE, TIME_VALUE, BOOLEAN_VALUE = (f"{_OFFICE}{_S}{name}" for name in
                                                ("value", "date-value", "time-value",
                                                 "boolean-value"))  # fmt: skip
ANNOTATION = f"{_OFFICE}{_S}annotation"
PARAGRAPH, SPACE, TAB, LINE_BREAK = (f"{_TEXT}{_S}{name}" for name in
                                     ("p", "s", "tab", "line-break"))  # fmt: skip
SPACE_COUNT = f"{_TEXT}{_S}c"
_DURATION = re.compile(r"^-?P(?:\d+D)?T(\d+)H(\d+)M(\d+)(?:\.(\d+))?S$")
_NUMBERS = ("float", "percentage", "currency")


def damaged() -> UnreadableFileError:
    return UnreadableFileError(f"Classeur ODS endommagé : {xlsx.FORMATS}.")


def first_sheet_rows(source: IO[bytes]) -> tuple[Iterator[tuple[int, list[object]]], Any]:
    """``(rows, archive)`` of the first sheet; close the archive when done."""
    archive = xlsx.open_archive(source, kind="ODS")
    if "content.xml" not in archive.NameToInfo:
        archive.close()
        raise damaged()
    return _rows(archive), archive


def _rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, list[object]]]:
    reader = _SheetReader()
    parser = expat.ParserCreate(namespace_separator=_S)
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    try:
        with archive.open("content.xml") as part:
            while not reader.done:
                chunk = part.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                yield from reader.rows
                reader.rows.clear()
                if not chunk:
                    return
    except (UnreadableFileError, limits.FileLimitError, MemoryError):
        yield from reader.rows  # the rows before the one refused come first
        raise
    except Exception:  # broken XML, a CRC error, a bad number…
        raise damaged() from None


class _SheetReader:
    """expat handlers for the first ``table:table``; ``rows`` holds the rows completed."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, list[object]]] = []
        self.depth = 0  # tables open (a table in a cell is not the sheet's)
        self.done = False
        self.number = 0  # the last row read, as the spreadsheet numbers it
        self.row_repeat = 1
        self.values: list[object] = []
        self.column = 0  # cells placed or skipped in the current row
        self.cell: dict[str, str] | None = None
        self.parts: list[str] | None = None
        self.length = 0
        self.paragraphs = 0
        self.hidden = 0  # inside an annotation (or a table nested in a cell)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.done:
            return
        if tag == TABLE:
            self.depth += 1
        elif self.depth != 1 or self.hidden:
            if tag == ANNOTATION:
                self.hidden += 1
        elif tag in _CELLS:
            self.cell = attrs
            self.parts = None
            self.length = self.paragraphs = 0
        elif tag == ROW:
            self.values = []
            self.column = 0
            self.row_repeat = _count(attrs.get(ROWS_REPEATED))
        elif self.cell is not None:
            self._text_start(tag, attrs)

    def _text_start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == PARAGRAPH:
            if self.paragraphs:
                self._add("\n")
            self.paragraphs += 1
            if self.parts is None:
                self.parts = []
        elif tag == SPACE:
            self._add(" " * min(_count(attrs.get(SPACE_COUNT)), limits.MAX_CELL_CHARS + 1))
        elif tag == TAB:
            self._add("\t")
        elif tag == LINE_BREAK:
            self._add("\n")
        elif tag == ANNOTATION:
            self.hidden += 1

    def end(self, tag: str) -> None:
        if self.done:
            return
        if tag == TABLE:
            self.depth -= 1
            self.done = self.depth == 0  # the first sheet read: the others are not
        elif tag == ANNOTATION:
            self.hidden -= 1
        elif self.depth != 1 or self.hidden:
            return
        elif tag in _CELLS:
            self._close_cell()
        elif tag == ROW:
            self._close_row()

    def characters(self, data: str) -> None:
        if self.parts is not None and not self.hidden and self.depth == 1:
            self._add(data)

    def _add(self, text: str) -> None:
        if self.parts is None:
            self.parts = []
        self.length += len(text)
        if self.length > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(self.number + 1)
        self.parts.append(text)

    def _close_cell(self) -> None:
        attrs, self.cell = self.cell or {}, None
        repeat = _count(attrs.get(COLUMNS_REPEATED))
        value = _value(attrs, "".join(self.parts or ()))
        self.parts = None
        if value is None or value == "":
            self.column += repeat  # empty cells only move the next one
            return
        if self.column + repeat > limits.MAX_COLUMNS:
            raise limits.too_many_columns(self.number + 1)
        self.values.extend([None] * (self.column - len(self.values)))
        self.values.extend([value] * repeat)
        self.column += repeat

    def _close_row(self) -> None:
        first = self.number + 1
        self.number += self.row_repeat
        if not self.values:
            return  # empty rows only move the numbering (LibreOffice repeats a million)
        if self.number > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
        self.rows.extend((number, self.values) for number in range(first, self.number + 1))


def _count(text: str | None) -> int:
    if not text:
        return 1
    count = int(text)
    if count < 1:
        raise ValueError(count)
    return count


def _value(attrs: dict[str, str], text: str) -> object:
    kind = attrs.get(VALUE_TYPE)
    try:
        if kind in _NUMBERS:
            number = float(attrs[VALUE])
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        if kind == "date":
            return datetime.fromisoformat(attrs[DATE_VALUE])
        if kind == "time":
            return _time(attrs[TIME_VALUE])
        if kind == "boolean":
            return attrs[BOOLEAN_VALUE].lower() == "true"
    except (KeyError, ValueError):
        return text  # a value LibreOffice did not write: what the cell shows
    return text


def _time(duration: str) -> object:
    found = _DURATION.match(duration)
    if found is None:
        return duration
    hours, minutes, seconds = (int(found.group(n)) for n in (1, 2, 3))
    if hours >= 24:
        return duration
    return time(hours, minutes, seconds)

"""The rows of a worksheet written in the shapes Excel, LibreOffice and openpyxl use, read with
regular expressions instead of expat's callbacks: a 100,000-row sheet makes ten million of those
(SPEC §10: 10 s of CPU for a file within the limits). Pure.

A row is taken here only when ALL its bytes match the shapes below: ``<row>`` with double-quoted
attributes, then cells with ``r`` and optionally ``s`` and ``t`` (in that order) holding nothing, a
``<v>`` or an inline ``<is><t>``, whose text uses only characters XML allows and its five named
entities. Such a row is well-formed XML by construction, and it means what expat's reader would
make of it (``xlsx_sheet.SheetReader``, whose ``open_row``, ``convert`` and ``place`` it shares).
Anything else (formulas, rich or phonetic text, character references, carriage returns, comments,
CDATA, single quotes, other cell attributes…) stops the run: ``xlsx_sheet`` gives the bytes to expat
up to the next row end, then comes back here once expat stands between two rows again.
"""

from __future__ import annotations

import re
from typing import Protocol

from chalicelib.xlsx_parts import Workbook


class SheetReader(Protocol):
    """What ``xlsx_sheet.SheetReader`` shares with this reader (the same rules for both)."""

    workbook: Workbook
    rows: list[tuple[int, list[object]]]
    number: int
    values: list[object]
    columns: dict[str, int]

    def open_row(self, reference: str | None) -> None: ...
    def column_of(self, letters: str) -> int: ...
    def convert(self, kind: str, style: int, text: str) -> object: ...
    def place(self, column: int, value: object) -> None: ...


_SPACE = "[ \t\r\n]*+"  # XML's white space only (\s would also take \x1c-\x1f, which XML refuses)
_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"  # characters XML 1.0 refuses anywhere
# text: any character XML allows but "<", "&", "]" (for "]]>") and "\r" (normalised by XML)
_PLAIN = f"[^<&\\]\r{_ILLEGAL}]"
# possessive (*+, ++): a row cut by the end of a chunk fails at once, never tried every way
_TEXT = f"(?:{_PLAIN}++|&(?:amp|lt|gt|quot|apos);|\\](?!\\]>))*+"
_ATTRIBUTES = f'(?:[ \t\r\n]+[A-Za-z_][A-Za-z0-9_.:-]*="[^"<&{_ILLEGAL}]*+")*+'
_CELL = (
    '<{p}c r="([A-Z]{{1,3}})[0-9]+"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
    f"(?:/>|>(?:<{{p}}v>({_TEXT})</{{p}}v>"
    f'|<{{p}}is><{{p}}t(?: xml:space="preserve")?>({_TEXT})</{{p}}t></{{p}}is>)?</{{p}}c>)'
)
_ROW = (
    f"{_SPACE}<{{p}}row({_ATTRIBUTES}){_SPACE}(?:/>|>((?:{_SPACE}{{cell}})*+){_SPACE}</{{p}}row>)"
)
_ATTRIBUTE = re.compile('([^ \t\r\n=]+)="([^"]*)"')
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def _unescaped(text: str) -> str:
    for entity, character in _ENTITIES:  # "&amp;" last: "&amp;lt;" is the text "&lt;"
        text = text.replace(entity, character)
    return text


class FastRows:
    """Reads runs of rows of the shapes above into a ``SheetReader``'s ``rows``."""

    def __init__(self, reader: SheetReader, prefix: str = "") -> None:
        self.reader = reader
        tag = re.escape(prefix)
        cell = _CELL.format(p=tag)
        self._cells = re.compile(cell)
        # the same cell without its groups: the row's match checks every byte of it
        plain_cell = re.sub(r"\((?!\?)", "(?:", cell)
        self._row = re.compile(_ROW.format(p=tag, cell=plain_cell))

    def read(self, text: str, start: int) -> int:
        """Where the rows of ``text`` from ``start`` on stop being complete rows of the shapes
        above, each read into the reader's ``rows``."""
        reader, position, match = self.reader, start, self._row.match
        while (row := match(text, position)) is not None:
            attributes = _ATTRIBUTE.findall(row.group(1))
            named = dict(attributes)
            if len(named) < len(attributes):
                break  # an attribute given twice is not well-formed: expat says so
            reader.open_row(named.get("r"))
            if row.group(2):
                self._cells_of(text, row.start(2), row.end(2))
            reader.rows.append((reader.number, reader.values))
            position = row.end()
        return position

    def _cells_of(self, text: str, start: int, end: int) -> None:
        reader = self.reader
        columns, shared, place = reader.columns, reader.workbook.shared_strings, reader.place
        for letters, style, kind, value, inline in self._cells.findall(text, start, end):
            written = inline or value
            if not written:
                continue  # no value, or an empty one: nothing, as expat's reader
            if "&" in written:
                written = _unescaped(written)
            if kind == "inlineStr":
                converted: object = written
            elif kind == "s":
                converted = shared[int(written)]
            else:
                converted = reader.convert(kind or "n", int(style) if style else 0, written)
            column = columns.get(letters) or reader.column_of(letters)
            place(column, converted)

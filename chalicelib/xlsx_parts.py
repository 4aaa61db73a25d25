"""What a workbook's small parts say before its first sheet is read: where that sheet is, its
shared strings, which cell styles are dates, and the date system (1900 or 1904). Pure.

Read with the C parser ``xml.parsers.expat`` straight from the zip: openpyxl's object model costs
more than the roster's validation itself on a 100,000-row sheet (SPEC §10). Tags are matched by
their local name, whatever namespace prefix the exporter wrote.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from xml.parsers import expat

from chalicelib import xml_guard

WINDOWS_EPOCH = datetime(1899, 12, 30)  # day 0 of the 1900 system, its leap-year bug included
MAC_EPOCH = datetime(1904, 1, 1)
_CHUNK = 1 << 16
_SHEETS_LOOKED_AT = 256  # the first worksheet is among the first sheets
# Excel's built-in number formats that show a date or a time (ECMA-376 §18.8.30); 46 is [h]:mm:ss
_BUILTIN_DATES = frozenset({*range(14, 23), 45, 46, 47})
_BUILTIN_DURATIONS = frozenset({46})
# quoted literals and [locale]/[colour] groups say nothing about dates; [h] [mm] [ss] do
_NOT_DATE_PARTS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)

StartHandler = Callable[[str, dict[str, str]], None]


@dataclass
class Workbook:
    """The first worksheet's part and how to read its cells."""

    sheet: str
    shared_strings: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    duration_styles: frozenset[int] = frozenset()
    epoch: datetime = WINDOWS_EPOCH


def local(name: str) -> str:
    """``x:row`` → ``row``: exporters may prefix SpreadsheetML's namespace."""
    return name.rpartition(":")[2]


def parse_part(
    archive: zipfile.ZipFile,
    name: str,
    start: StartHandler,
    end: Callable[[str], None] | None,
    text: Callable[[str], None] | None = None,
    *,
    limit: int = xml_guard.MAX_PART_ELEMENTS,
) -> None:
    """Stream one XML part through expat, element names already stripped of their prefix; its
    chunks, depth and element count checked (``xml_guard``: these parts are small)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    counts = [0, 0]  # elements seen, elements open

    def started(tag: str, attrs: dict[str, str]) -> None:
        counts[0] += 1
        counts[1] += 1
        if counts[1] > xml_guard.MAX_DEPTH:
            raise xml_guard.too_deep("XLSX")
        if counts[0] > limit:
            raise xml_guard.too_many_elements("XLSX")
        start(local(tag), attrs)

    def ended(tag: str) -> None:
        counts[1] -= 1
        if end is not None:
            end(local(tag))

    parser.StartElementHandler = started
    parser.EndElementHandler = ended
    if text is not None:
        parser.CharacterDataHandler = text
    guard = xml_guard.ChunkGuard("XLSX")
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            guard.check(chunk)
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def read_workbook(archive: zipfile.ZipFile) -> Workbook:
    """The workbook's first worksheet and reading aids; KeyError/ExpatError when a part is
    missing or broken (the caller says the file is unreadable)."""
    main = _targets(archive, "_rels/.rels", "").get("officeDocument", "xl/workbook.xml")
    sheets, epoch = _sheets(archive, main)
    kinds, worksheets = _relations(archive, main, set(sheets))
    first = next((worksheets[rid] for rid in sheets if rid in worksheets), "")
    if not first:
        return Workbook(sheet="")
    strings = (
        read_shared_strings(archive, kinds["sharedStrings"]) if "sharedStrings" in kinds else []
    )
    dates, durations = read_date_styles(archive, kinds["styles"]) if "styles" in kinds else ({}, {})
    return Workbook(first, strings, frozenset(dates), frozenset(durations), epoch)


def _relations(
    archive: zipfile.ZipFile, main: str, sheets: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The shared strings' and styles' parts (by the type's last word), and the worksheets among
    ``sheets`` (rId → part). Only those are kept: a workbook may list any number of
    relationships (1.8 million held 600 MB)."""
    folder, base = posixpath.split(main)
    found: dict[str, str] = {}
    worksheets: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            rid = attrs.get("Id", "")
            if kind == "worksheet" and rid in sheets:
                worksheets.setdefault(rid, _resolve(folder, attrs.get("Target", "")))
            elif kind in ("sharedStrings", "styles"):
                found.setdefault(kind, _resolve(folder, attrs.get("Target", "")))

    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels in archive.NameToInfo:
        parse_part(archive, rels, start, None)
    return found, worksheets


def _targets(archive: zipfile.ZipFile, rels: str, folder: str) -> dict[str, str]:
    found: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship":
            kind = attrs.get("Type", "").rpartition("/")[2]
            if kind == "officeDocument":
                found.setdefault(kind, _resolve(folder, attrs.get("Target", "")))

    if rels in archive.NameToInfo:
        parse_part(archive, rels, start, None)
    return found


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _sheets(archive: zipfile.ZipFile, main: str) -> tuple[list[str], datetime]:
    """The relationship ids of the first sheets in workbook order (a chart sheet may come before
    the first worksheet), and the date system."""
    ids: list[str] = []
    epoch = [WINDOWS_EPOCH]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet" and len(ids) < _SHEETS_LOOKED_AT:
            # r:id, whatever prefix the relationships namespace was given
            ids.append(next((value for key, value in attrs.items() if local(key) == "id"), ""))
        elif tag == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            epoch[0] = MAC_EPOCH

    parse_part(archive, main, start, None)
    return ids, epoch[0]


def read_shared_strings(archive: zipfile.ZipFile, name: str) -> list[str]:
    """Each ``<si>``'s text: its ``<t>`` and rich-text runs, phonetic hints (``<rPh>``) left out."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            parts.clear()
        elif tag == "rPh":
            state["phonetic"] += 1
        state["text"] = tag == "t" and not state["phonetic"]

    def end(tag: str) -> None:
        if tag == "si":
            strings.append("".join(parts))
        elif tag == "rPh":
            state["phonetic"] -= 1
        state["text"] = False

    def text(data: str) -> None:
        if state["text"]:
            parts.append(data)

    # up to a million strings of a few runs each, counted before (``xlsx.count_shared_strings``)
    parse_part(archive, name, start, end, text, limit=10 * 1_000_000)
    return strings


def read_date_styles(archive: zipfile.ZipFile, name: str) -> tuple[set[int], set[int]]:
    """The cell styles (``<cellXfs>`` indexes) showing a date or time, and those among them
    showing a duration (``[h]:mm``), from built-in and custom number formats."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt":
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            inside[0] = True
        elif tag == "xf" and inside[0]:
            formats.append(int(attrs.get("numFmtId", "0")))

    def end(tag: str) -> None:
        if tag == "cellXfs":
            inside[0] = False

    parse_part(archive, name, start, end, limit=2_000_000)  # Excel allows 64,000 cell styles
    dates: set[int] = set()
    durations: set[int] = set()
    for style, number_format in enumerate(formats):
        code = custom.get(number_format)
        if code is None and number_format in _BUILTIN_DATES:
            dates.add(style)
            if number_format in _BUILTIN_DURATIONS:
                durations.add(style)
        elif code is not None and is_date_format(code):
            dates.add(style)
            if _DURATION.search(code.split(";")[0]):
                durations.add(style)
    return dates, durations


def is_date_format(code: str) -> bool:
    """A custom format showing a date or time: a d, m, y, h or s outside quotes and brackets."""
    first = _NOT_DATE_PARTS.sub("", code.split(";")[0])
    return _DATE_LETTER.search(first) is not None

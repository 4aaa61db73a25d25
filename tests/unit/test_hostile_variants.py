"""v3's hostile file variants (SPEC §10, issue 21), small versions of the bench's: what expat is
never given (a huge tag, deep nesting, millions of relationships) and CSV files of empty or
separator-only lines, each refused before it costs anything."""

from __future__ import annotations

import io
import zipfile

import pytest

from chalicelib import limits, xml_guard
from chalicelib.errors import UnreadableFileError
from chalicelib.limits import FileLimitError
from chalicelib.tabular import read_table
from tests.support.roster_files import table_xlsx
from tests.support.workbooks import ods_by_hand, ods_row

SHEET = "xl/worksheets/sheet1.xml"
RELS = "xl/_rels/workbook.xml.rels"


def _rewritten(name: str, change) -> bytes:
    source = table_xlsx(["id", "nom"], [["1", "Zoé"]])
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        parts = {part: archive.read(part) for part in archive.namelist()}
    parts[name] = change(parts[name])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


def _read_all(data: bytes) -> None:
    table = read_table(data)
    list(table.rows)


def test_an_xlsx_cell_nesting_elements_beyond_100_deep_is_refused():
    deep = b'<row r="3"><c r="A3" t="inlineStr"><is>' + b"<x>" * 100_000
    data = _rewritten(SHEET, lambda sheet: sheet.replace(b"</sheetData>", deep + b"</sheetData>"))
    with pytest.raises(UnreadableFileError) as raised:
        _read_all(data)
    assert "imbriqués" in raised.value.message


def test_an_xlsx_attribute_of_more_than_a_megabyte_is_refused_before_expat_reads_it():
    huge = b'<row r="3"><c r="A3" x="' + b"a" * (xml_guard.MAX_TAG_BYTES + 10) + b'"/></row>'
    data = _rewritten(SHEET, lambda sheet: sheet.replace(b"</sheetData>", huge + b"</sheetData>"))
    with pytest.raises(UnreadableFileError) as raised:
        _read_all(data)
    assert "démesuré" in raised.value.message


def test_an_xlsx_listing_hundreds_of_thousands_of_relationships_is_refused():
    many = b"".join(
        b'<Relationship Id="x%d" Type="t" Target="a"/>' % n
        for n in range(xml_guard.MAX_PART_ELEMENTS + 1)
    )
    data = _rewritten(
        RELS, lambda rels: rels.replace(b"</Relationships>", many + b"</Relationships>")
    )
    with pytest.raises(UnreadableFileError) as raised:
        _read_all(data)
    assert "partie démesurée" in raised.value.message


def test_a_workbook_with_many_relationships_within_the_limit_still_reads_its_first_sheet():
    many = b"".join(b'<Relationship Id="x%d" Type="t" Target="a"/>' % n for n in range(5_000))
    data = _rewritten(
        RELS, lambda rels: rels.replace(b"</Relationships>", many + b"</Relationships>")
    )
    table = read_table(data)
    assert (table.headers, list(table.rows)) == (["id", "nom"], [(2, ["1", "Zoé"])])


def test_an_ods_nesting_too_deep_or_with_a_huge_attribute_is_refused():
    deep = ods_by_hand(ods_row("id", "nom") + "<table:table-row><table:table-cell><text:p>"
                       + "<x>" * 10_000)  # fmt: skip
    with pytest.raises(UnreadableFileError):
        _read_all(deep)
    huge = ods_by_hand(
        ods_row("id", "nom")
        + '<table:table-row><table:table-cell x="' + "a" * (xml_guard.MAX_TAG_BYTES + 10)
        + '"/></table:table-row>'
    )  # fmt: skip
    with pytest.raises(UnreadableFileError):
        _read_all(huge)


def test_a_csv_of_more_lines_than_the_limit_is_refused_even_if_they_are_empty():
    data = b"id;nom\n1;Zoe\n" + b"\n" * limits.MAX_LINES
    with pytest.raises(FileLimitError) as raised:
        read_table(data)
    assert "vides comprises" in raised.value.message


def test_separator_only_lines_within_the_line_limit_are_read_as_empty_rows():
    # Given the data, then 300,000 lines of separators (formatted cells far below the data)
    data = b"id;nom;x\n1;Zoe;a\n" + b";;\r\n" * 300_000 + b"2;Leo;b\n"
    # Then it is read: the empty lines are skipped, the last row keeps its number
    table = read_table(data)
    assert list(table.rows) == [(2, ["1", "Zoe", "a"]), (300_003, ["2", "Leo", "b"])]

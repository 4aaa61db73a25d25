"""Rows of the common shapes are read by regular expressions (chalicelib.xlsx_rows), the others by
expat: whatever a sheet mixes, the rows read are those expat alone reads, and every limit holds."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

import pytest

from chalicelib import limits, xlsx
from chalicelib.errors import UnreadableFileError
from chalicelib.xlsx_parts import Workbook
from chalicelib.xlsx_rows import FastRows
from chalicelib.xlsx_sheet import SheetReader
from tests.support.workbooks import NS, read_rows, rows_by_expat_only, workbook_by_hand

STYLES = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
STRINGS = "<si><t>Lille</t></si><si><r><t>Du</t></r><r><t>pont</t></r></si>"


def _sheet(rows: str, *, declaration: str = "", prefix: str = "") -> str:
    xmlns = NS.replace("xmlns=", f"xmlns:{prefix[:-1]}=") if prefix else NS
    return (
        f'{declaration}<{prefix}worksheet {xmlns}><{prefix}dimension ref="A1:C3"/>'
        f"<{prefix}sheetData>{rows}</{prefix}sheetData></{prefix}worksheet>"
    )


def _both(sheet: str | bytes) -> list[tuple[int, list[object]]]:
    """The rows read, once checked to be those expat alone reads."""
    content = workbook_by_hand(sheet, strings=STRINGS, styles=STYLES)
    rows = read_rows(content)
    assert rows == rows_by_expat_only(content)
    return rows


def test_common_cells_read_as_expat_reads_them_entities_included():
    rows = (
        '<row r="1" spans="1:4" x14ac:dyDescent="0.25">'
        '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> Zoé &amp; Léa &lt;3 </t></is></c>'
        '<c r="B1" t="s"><v>0</v></c><c r="C1" s="1"><v>40487</v></c>'
        '<c r="D1" s="1"/><c r="E1" t="b"><v>1</v></c><c r="F1"><v>1.5</v></c></row>\n  '
        '<row r="3"/><row r="4"><c r="B4" t="inlineStr"><is><t></t></is></c>'
        '<c r="C4" t="e"><v>#N/A</v></c></row>'
    )
    assert _both(_sheet(rows)) == [
        (1, [" Zoé & Léa <3 ", "Lille", datetime(2010, 11, 5), None, True, 1.5]),
        (3, []),
        (4, [None, None, "#N/A"]),
    ]


def test_the_common_shapes_are_read_without_expat_up_to_a_row_of_another_shape():
    reader = SheetReader(Workbook("sheet", ["Lille"], date_styles=frozenset({1})))
    common = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>40487</v></c></row>'
    formula = '<row r="2"><c r="A2" t="str"><f>A1</f><v>a</v></c></row>'
    assert FastRows(reader).read(common + formula + common, 0) == len(common)
    assert reader.rows == [(1, ["Lille", datetime(2010, 11, 5)])]


def test_rows_of_other_shapes_go_to_expat_and_the_rows_after_them_come_back():
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        '<row r="2"><c r="A2" t="str"><f>A1</f><v>a</v></c><c r="B2" t="s"><v>1</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>x&#10;y</t></is></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t><![CDATA[<b>]]></t></is></c></row>'
        "<row r='5'><c r='A5'><v>5</v></c></row>"
        '<row r="6"><c r="A6"><v>6</v></c></row>'
        "<row><c><v>7</v></c></row>"
    )
    assert _both(_sheet(rows)) == [
        (1, ["a"]),
        (2, ["a", "Dupont"]),
        (3, ["x\ny"]),
        (4, ["<b>"]),
        (5, [5]),
        (6, [6]),
        (7, [7]),
    ]


def test_rows_inside_a_comment_or_a_cdata_section_are_not_rows():
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<!-- </row><row r="2"><c r="A2"><v>2</v></c></row> -->'
        '<row r="3"><c r="A3"><v>3</v></c></row>'
    )
    assert _both(_sheet(rows)) == [(1, [1]), (3, [3])]


def test_prefixed_tags_and_an_encoding_other_than_utf8_read_as_expat_reads_them():
    rows = '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
    assert _both(_sheet(rows, prefix="x:")) == [(1, ["a"])]
    latin = _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Zoé</t></is></c></row>',
        declaration='<?xml version="1.0" encoding="ISO-8859-1"?>',
    )
    assert _both(latin.encode("latin-1")) == [(1, ["Zoé"])]


def test_a_long_sheet_is_read_the_same_across_chunk_boundaries_and_split_characters():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{"é" * (n % 97)}ü{n}</t></is></c>'
        + (f'<c r="B{n}" t="str"><f>A{n}</f><v>{n}</v></c>' if n % 50 == 0 else "")
        + f'<c r="C{n}"><v>{n}</v></c></row>'
        for n in range(1, 3001)
    )
    read = _both(_sheet(rows))
    assert len(read) == 3000
    assert read[99] == (100, ["é" * 3 + "ü100", "100", 100])


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1" r="2"><c r="A1"><v>1</v></c></row>',  # an attribute twice
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></row>',
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a\x01</t></is></c></row>',
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c></row>',
    ],
)
def test_a_row_that_is_not_well_formed_is_refused_as_damaged(rows):
    content = workbook_by_hand(_sheet(rows))
    with pytest.raises(UnreadableFileError, match="endommagé"):
        read_rows(content)


def test_a_row_beyond_the_limit_is_refused_after_the_rows_before_it():
    rows = (
        '<row r="2"><c r="A2"><v>1</v></c></row>'
        f'<row r="{limits.MAX_ROWS + 2}"><c r="A{limits.MAX_ROWS + 2}"><v>1</v></c></row>'
    )
    read: list[tuple[int, list[object]]] = []
    with pytest.raises(limits.FileLimitError) as refused:
        read.extend(_stream(workbook_by_hand(_sheet(rows))))
    assert refused.value.code == "too_many_rows"
    assert read == [(2, [1])]


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (f'<c r="A1" t="inlineStr"><is><t>{"x" * (limits.MAX_CELL_CHARS + 1)}</t></is></c>',
         "cell_too_long"),
        ('<c r="GS1"><v>1</v></c>', "too_many_columns"),  # column 201
    ],
)  # fmt: skip
def test_a_common_row_breaking_a_cell_limit_is_refused(cell, code):
    content = workbook_by_hand(_sheet(f'<row r="1">{cell}</row>'))
    with pytest.raises(UnreadableFileError) as refused:
        read_rows(content)
    assert refused.value.code == code


def _stream(content: bytes) -> Iterator[tuple[int, list[object]]]:
    rows, archive = xlsx.first_sheet_rows(io.BytesIO(content))
    try:
        yield from rows
    finally:
        archive.close()

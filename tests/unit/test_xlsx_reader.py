"""The expat XLSX reader (chalicelib.xlsx_parts / xlsx_sheet): workbooks written by openpyxl and
by hand, read cell by cell as the spreadsheet shows them."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from openpyxl import Workbook

from chalicelib.xlsx_parts import MAC_EPOCH, is_date_format
from tests.support.workbooks import NS, read_rows, workbook_by_hand


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_written_by_openpyxl_reads_back_its_values_with_gaps_kept():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "nom", None, "né le", "majeur", "taille"])
    sheet.append(["A1", "Zoé", None, datetime(2008, 2, 29), True, 1.75])
    sheet.append([None, None, None, None, None, 612345678])
    assert read_rows(_saved(workbook)) == [
        (1, ["id", "nom", None, "né le", "majeur", "taille"]),
        (2, ["A1", "Zoé", None, datetime(2008, 2, 29), True, 1.75]),
        (3, [None, None, None, None, None, 612345678]),
    ]


def test_a_workbook_in_the_1904_date_system_reads_its_dates_right():
    workbook = Workbook()
    workbook.epoch = MAC_EPOCH
    workbook.active.append(["né le", datetime(2009, 7, 14, 10, 30)])
    assert read_rows(_saved(workbook)) == [(1, ["né le", datetime(2009, 7, 14, 10, 30)])]


def test_a_hand_written_sheet_reads_inline_shared_and_rich_strings_without_phonetic_hints():
    sheet = (
        f'<worksheet {NS}><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>Zoé</t></is></c>'
        '<c r="C1" t="s"><v>0</v></c><c r="D1" t="s"><v>1</v></c>'
        '<c r="E1" t="b"><v>0</v></c><c r="F1" t="str"><f>A1</f><v>Zoé</v></c>'
        "</row></sheetData></worksheet>"
    )
    strings = "<si><t>Lille</t></si><si><r><t>Du</t></r><r><t>pont</t></r><rPh><t>x</t></rPh></si>"
    assert read_rows(workbook_by_hand(sheet, strings=strings)) == [
        (1, ["Zoé", None, "Lille", "Dupont", False, "Zoé"])
    ]


def test_date_cells_follow_built_in_and_custom_formats_and_the_1900_leap_year_bug():
    styles = (
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
        '<numFmt numFmtId="165" formatCode="0.00&quot; d&quot;"/></numFmts>'
        '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        '<xf numFmtId="165"/><xf numFmtId="46"/></cellXfs>'
    )
    sheet = (
        f'<worksheet {NS}><sheetData><row r="2">'
        '<c r="A2" s="1"><v>59</v></c><c r="B2" s="2"><v>61</v></c><c r="C2" s="3"><v>61</v></c>'
        '<c r="D2" s="2"><v>0.5</v></c><c r="E2" s="4"><v>1.5</v></c><c r="F2"><v>1E3</v></c>'
        "</row></sheetData></worksheet>"
    )
    assert read_rows(workbook_by_hand(sheet, styles=styles)) == [
        (
            2,
            [
                datetime(1900, 2, 28),
                datetime(1900, 3, 1),
                61,
                time(12, 0),
                timedelta(hours=36),
                1000.0,
            ],
        )
    ]


def test_the_1904_flag_of_a_hand_written_workbook_moves_its_dates():
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = f'<worksheet {NS}><sheetData><row><c s="1"><v>1</v></c></row></sheetData></worksheet>'
    content = workbook_by_hand(sheet, styles=styles, pr='<workbookPr date1904="1"/>')
    assert read_rows(content) == [(1, [datetime(1904, 1, 2)])]


def test_prefixed_tags_and_cells_without_references_are_numbered_in_order():
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c/>'
        '<x:c><x:v>3</x:v></x:c></x:row><x:row r="5"><x:c r="B5"><x:v>7</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    assert read_rows(workbook_by_hand(sheet)) == [(1, ["a", None, 3]), (5, [None, 7])]


def test_custom_formats_are_dates_only_for_date_letters_outside_quotes_and_brackets():
    assert is_date_format("dd/mm/yyyy") and is_date_format("[$-40C]d mmmm yyyy")
    assert not is_date_format('0.00" days"') and not is_date_format("[Red]0.00")
    assert not is_date_format("General")

"""ODS and XLS read as XLSX is (SPEC §5, §10, issue 21): files LibreOffice saved, each read
alike; and hostile ODS/XLS variants refused by the same limits, without being expanded."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest

from chalicelib import limits
from chalicelib.errors import UnreadableFileError
from chalicelib.limits import FileLimitError
from chalicelib.roster.parsing import parse_roster
from chalicelib.tabular import read_table
from tests.support.laposte import communes_of
from tests.support.roster_files import TODAY
from tests.support.workbooks import ods_by_hand, ods_row

SAVED = Path(__file__).resolve().parents[1] / "data" / "libreoffice"
HEADER = ["N° dossier", "Nom", "Prénom", "Né(e) le", "Commune de résidence", "Code postal",
          "Mail référent", "Téléphone"]  # fmt: skip


@pytest.mark.parametrize("extension", ["xlsx", "ods", "xls"])
def test_a_roster_libreoffice_saved_with_a_title_line_is_read_whole(extension):
    # Given the same export with a title line and an empty line above its header, saved by
    # LibreOffice (soffice --convert-to) as XLSX, ODS and XLS; communes by name and postal code
    data = (SAVED / f"roster_title_line.{extension}").read_bytes()
    # When it is parsed for the Nord
    result = parse_roster(data, department="59", today=TODAY, communes=lambda: communes_of("59"))
    # Then the three youths are kept with typed values, their communes resolved
    assert result.rejected == []
    records = {record.id_externe: record for record in result.records}
    assert sorted(records) == ["2024-001", "2024-002", "2024-003"]
    assert records["2024-001"].date_naissance.isoformat() == "2008-07-15"
    assert records["2024-001"].telephone == "+33612345678"  # a number cell, leading zero lost
    assert records["2024-002"].nom == "Œillet"
    codes = {id_: record.code_commune for id_, record in records.items()}
    assert codes == {"2024-001": "59350", "2024-002": "59009", "2024-003": "59512"}
    assert "header_not_first" in {warning.code for warning in result.warnings}


def test_each_format_gives_the_same_rows_with_their_spreadsheet_numbers():
    tables = {
        extension: read_table((SAVED / f"roster_title_line.{extension}").read_bytes())
        for extension in ("xlsx", "ods", "xls")
    }
    rows = {extension: list(table.rows) for extension, table in tables.items()}
    assert tables["ods"].headers == tables["xls"].headers == tables["xlsx"].headers == HEADER
    assert rows["ods"] == rows["xls"] == rows["xlsx"]
    assert [number for number, _ in rows["ods"]] == [4, 5, 6]
    assert rows["ods"][0][1][3] == datetime(2008, 7, 15)


def test_an_ods_reads_its_first_sheet_without_comments_and_with_spaces_and_repeats():
    # Given a sheet with a comment in a cell, repeated spaces, a cell repeated twice, empty
    # rows repeated a million times (as LibreOffice writes the end of a sheet), a second sheet
    comment = "<office:annotation><text:p>secret</text:p></office:annotation>"
    cell = (
        f'<table:table-cell office:value-type="string">{comment}'
        '<text:p>a<text:s text:c="2"/>b</text:p></table:table-cell>'
    )
    twice = (
        '<table:table-cell table:number-columns-repeated="2" office:value-type="float" '
        'office:value="7"/>'
    )
    rows = (
        ods_row("id", "nom", "x", "y")
        + ods_row(cell, "<table:table-cell/>", twice)
        + '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    other = '<table:table table:name="Autre">' + ods_row("z", "z") + "</table:table>"
    table = read_table(ods_by_hand(rows, more=other))
    # Then the comment is no text, spaces are kept, the repeat copied, the empty rows cost nothing
    assert table.headers == ["id", "nom", "x", "y"]
    assert list(table.rows) == [(2, ["a  b", None, 7, 7])]


def test_an_ods_repeating_a_filled_row_beyond_the_limit_is_refused_without_expanding_it():
    rows = ods_row("id", "nom") + ods_row("1", "Zoé", repeat=1_000_000)
    table = read_table(ods_by_hand(rows))
    with pytest.raises(FileLimitError) as raised:
        sum(1 for _ in table.rows)
    assert raised.value.code == "too_many_rows"


def test_an_ods_repeating_a_filled_cell_beyond_200_columns_is_refused():
    many = (
        '<table:table-cell table:number-columns-repeated="16000" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>"
    )
    with pytest.raises(UnreadableFileError) as raised:
        read_table(ods_by_hand(ods_row("id", many)))
    assert raised.value.code == "too_many_columns"


def test_an_ods_cell_beyond_1000_characters_is_refused_as_it_is_read():
    long = '<text:s text:c="99000000"/>'
    cell = (
        f'<table:table-cell office:value-type="string"><text:p>a{long}</text:p></table:table-cell>'
    )
    table = read_table(ods_by_hand(ods_row("id", "nom") + ods_row("1", cell)))
    with pytest.raises(UnreadableFileError) as raised:
        list(table.rows)
    assert raised.value.code == "cell_too_long"


def test_an_ods_declaring_parts_beyond_100_mb_is_refused_before_it_is_read():
    rows = ods_row("id", "nom") + ods_row("1", " " * (limits.MAX_INFLATED_BYTES + 10))
    with pytest.raises(FileLimitError) as raised:
        read_table(ods_by_hand(rows))
    assert "ODS" in str(raised.value)


def test_an_xls_beyond_20_mb_is_refused_before_it_is_parsed():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * (20 * 1024 * 1024 + 1)
    with pytest.raises(FileLimitError):
        read_table(io.BytesIO(ole2))


def test_a_broken_xls_is_refused_in_french():
    with pytest.raises(UnreadableFileError) as raised:
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 4096)
    assert str(raised.value).startswith("Classeur XLS endommagé")

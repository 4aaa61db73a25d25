"""The header row as exports write it (SPEC §5): title, date and empty lines above it skipped
with a warning, row numbers kept as the spreadsheet shows them, a refusal naming the real type."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from chalicelib.errors import MissingColumnsError, UnreadableFileError
from chalicelib.roster import columns
from chalicelib.roster.parsing import parse_roster
from tests.support.roster_files import FRENCH_HEADERS, TODAY, table_csv, youth_row

COLUMNS = ["id_externe", "nom", "prenom", "date_naissance", "code_commune", "referent_email"]
HEADER = [FRENCH_HEADERS[column] for column in COLUMNS]


def _row(number: int) -> list[object]:
    values = youth_row(id_externe=f"A{number}")
    return [values[column] for column in COLUMNS]


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_with_a_title_line_is_read_from_its_header_with_a_warning():
    # Given an export whose first line is a title, the header on row 2
    data = _workbook([["Export du 06/12/2026 - Service ASE"], HEADER, _row(1), _row(2)])
    # When it is parsed
    result = parse_roster(data, department="59", today=TODAY)
    # Then both youths are kept, the warning says where the header was
    assert [record.id_externe for record in result.records] == ["A1", "A2"]
    codes = {warning.code: warning.message for warning in result.warnings}
    assert "ligne 2" in codes["header_not_first"]


def test_a_csv_with_title_date_and_empty_lines_keeps_the_spreadsheet_row_numbers():
    # Given a CSV with a title, a date line, an empty line, then the header on row 4
    body = table_csv(HEADER, [_row(1), [*_row(2)[:2], "", *_row(2)[3:]]])
    data = "Liste des jeunes;;\r\nEdité le;06/12/2026\r\n;;;\r\n".encode() + body
    # When it is parsed
    result = parse_roster(data, department="59", today=TODAY)
    # Then the first youth (row 5) is kept, the second (row 6) rejected under its own number
    assert [record.id_externe for record in result.records] == ["A1"]
    assert [(error.row, error.column) for error in result.rejected] == [(6, "prenom")]
    assert any(warning.code == "header_not_first" for warning in result.warnings)


def test_a_header_on_the_first_line_gives_no_warning():
    data = table_csv(HEADER, [_row(1)])
    result = parse_roster(data, department="59", today=TODAY)
    assert result.records and not any(w.code == "header_not_first" for w in result.warnings)


def test_a_header_missing_a_column_below_a_title_names_the_missing_column():
    # Given a title line, then a header without the referent's email
    data = _workbook([["Export ASE"], HEADER[:-1], _row(1)[:-1]])
    # When it is parsed, the missing column is named (not "unreadable header")
    with pytest.raises(MissingColumnsError) as raised:
        parse_roster(data, department="59", today=TODAY)
    assert raised.value.columns == ["referent_email"]


def test_an_unreadable_header_of_an_xlsx_says_it_is_an_xlsx():
    # Given a workbook of one-cell lines only (no header anywhere)
    data = _workbook([["Export du 06/12/2026"], ["Service ASE"]])
    # When it is read, the refusal names the real type of the file
    with pytest.raises(UnreadableFileError) as raised:
        parse_roster(data, department="59", today=TODAY)
    assert "fichier XLSX" in str(raised.value)
    assert "10 premières lignes" in str(raised.value)


def test_a_missing_commune_says_what_the_agent_can_send_instead():
    data = table_csv([h for h in HEADER if h != "Code INSEE"], [_row(1)[:4] + _row(1)[5:]])
    with pytest.raises(MissingColumnsError) as raised:
        parse_roster(data, department="59", today=TODAY)
    message = str(raised.value)
    assert raised.value.columns == ["code_commune"]
    assert "Commune de résidence" in message and "Code postal" in message


def test_the_column_mapping_offers_the_commune_and_postal_code_targets():
    # Given a department whose export names them its own way
    mapping = columns.validate_mapping(
        {"Lieu de vie": "Commune de résidence (nom)", "Bureau": "code postal"}
    )
    assert mapping == {"Lieu de vie": "commune", "Bureau": "code_postal"}
    headers = [*[h for h in HEADER if h != "Code INSEE"], "Lieu de vie", "Bureau"]
    # Then the file is complete without an INSEE code, and the menu lists both targets
    described = columns.describe(headers, mapping)
    assert described["missing"] == []
    assert described["columns"]["commune"] == "Lieu de vie"
    assert {"commune", "code_postal"} <= set(described["labels"])

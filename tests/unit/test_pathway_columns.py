"""Pathway and placement columns (SPEC §5.1) beyond what the roster-cell tests already cover:
header names, encodings and cell types, whitespace, row numbers of rejected pathway cells."""

from __future__ import annotations

import pytest

from chalicelib.roster.parsing import parse_roster
from chalicelib.roster.record import PATHWAY_PARTS, YouthRecord
from tests.unit.roster_files import TODAY, roster_csv, roster_xlsx, youth_row


def records_of(data: bytes) -> list[YouthRecord]:
    result = parse_roster(data, department="59", today=TODAY)
    assert result.rejected == [] and result.warnings == []
    return result.records


@pytest.mark.parametrize(
    ("part", "header"),
    [
        ("ressources", "Ressources"),
        ("logement", "Parcours logement"),
        ("emploi", "Emploi / formation"),
        ("emploi", "PARCOURS EMPLOI"),
        ("sante", "Santé"),
        ("sante", "Parcours - santé"),
        ("droits", "Accès aux droits"),
        ("droits", "parcours_droits"),
        ("accompagnement", "Accompagnement socio-éducatif"),
        ("accompagnement", "Accompagnement"),
    ],
)
def test_each_pathway_column_is_found_by_its_french_names(part, header):
    row = youth_row(**{f"parcours_{part}": "À traiter"})
    headers = {key: key for key in row} | {f"parcours_{part}": header}
    (record,) = records_of(roster_csv([row], headers=headers))
    assert record.parcours == {part: "a_traiter"}


@pytest.mark.parametrize(
    ("column", "header"),
    [
        ("lieu_accueil_nom", "Lieu d'accueil nom"),
        ("lieu_accueil_email", "Lieu d'accueil email"),
        ("lieu_accueil_email", "Email structure"),
        ("lieu_accueil_email", "Courriel lieu d'accueil"),
    ],
)
def test_the_placement_structure_columns_are_found_by_their_french_names(column, header):
    value = "accueil@mecs.exemple.fr" if column.endswith("email") else "MECS Les Tilleuls"
    row = youth_row(**{column: value})
    headers = {key: key for key in row} | {column: header}
    (record,) = records_of(roster_csv([row], headers=headers))
    assert getattr(record, column) == value


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_accented_states_read_the_same_in_windows_1252_and_utf_8(encoding):
    row = youth_row(
        parcours_sante="À TRAITER", parcours_droits="Sécurisé", parcours_emploi="en Cours"
    )
    (record,) = records_of(roster_csv([row], encoding=encoding))
    assert record.parcours == {"sante": "a_traiter", "droits": "securise", "emploi": "en_cours"}


def test_a_workbook_gives_the_same_states_as_a_csv():
    row = youth_row(parcours_ressources=" à traiter ", parcours_accompagnement="SECURISEE")
    (from_xlsx,) = records_of(roster_xlsx([row]))
    (from_csv,) = records_of(roster_csv([row]))
    assert (
        from_xlsx.parcours
        == from_csv.parcours
        == {
            "ressources": "a_traiter",
            "accompagnement": "securise",
        }
    )


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_pathway_cell_is_unknown_not_rejected(blank):
    row = youth_row(**{f"parcours_{part}": blank for part in PATHWAY_PARTS})
    (record,) = records_of(roster_csv([row]))
    assert record.parcours == {}


@pytest.mark.parametrize("bad", ["oui", "1", "fait", "traité", "en attente", "à faire"])
def test_a_value_outside_the_three_states_is_unknown_with_a_warning_naming_row_and_column(bad):
    # Given three rows, the second (spreadsheet row 3) with an unexpected accompagnement state
    rows = [
        youth_row(id_externe="P-1", parcours_accompagnement="en cours"),
        youth_row(id_externe="P-2", parcours_accompagnement=bad),
        youth_row(id_externe="P-3", parcours_accompagnement=""),
    ]
    # When the file is parsed
    result = parse_roster(roster_csv(rows), department="59", today=TODAY)
    # Then every row is kept (SPEC §5.1: an optional value never rejects), that part unknown,
    # and a warning names row 3, the column and the code, in French
    assert [r.id_externe for r in result.records] == ["P-1", "P-2", "P-3"]
    assert result.records[1].parcours == {}
    assert result.rejected == []
    (warning,) = result.warnings
    assert (warning.row, warning.column, warning.code) == (
        3,
        "parcours_accompagnement",
        "invalid_pathway",
    )
    assert "à traiter" in warning.message and bad not in warning.message

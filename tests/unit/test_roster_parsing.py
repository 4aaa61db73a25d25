"""Roster files (SPEC §5.1): formats, columns, row numbers, duplicates, counts, privacy."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.errors import MissingColumnsError, UnreadableFileError
from chalicelib.roster.parsing import RosterParse, parse_roster
from chalicelib.roster.record import YouthRecord
from tests.unit.roster_files import (
    ABSENT,
    TODAY,
    roster_csv,
    roster_xlsx,
    table_csv,
    youth_row,
)


def parse(data: bytes, department: str = "59", today: date = TODAY) -> RosterParse:
    return parse_roster(data, department=department, today=today)


# --- whole files -----------------------------------------------------------------------------


def test_a_french_excel_csv_gives_fully_normalised_records():
    # Given a cp1252 ";" CSV with French headers and every optional column
    row = youth_row(
        referent_nom="Mme  Durand",
        referent_telephone="03 20 12 34 56",
        email="Zoe.Lefevre@Exemple.FR",
        consentement="Oui",
        besoin_logement="x",
        date_entretien="12/03/2026 14h30",
        lieu_entretien="Mission locale de Lille,\r\n2e étage",
        code_ml=" ml59-lille ",
        parcours_ressources="Sécurisé",
        parcours_emploi="En cours",
        lieu_accueil_nom="MECS Les Tilleuls",
        lieu_accueil_email="accueil@tilleuls.exemple.fr",
    )
    # When it is parsed
    result = parse(roster_csv([row]))
    # Then one record carries every value in normal form
    assert result.rows == 1 and result.rejected == [] and result.skipped_too_young == 0
    assert result.records == [
        YouthRecord(
            id_externe="ASE-2024-0001",
            nom="Lefèvre",
            prenom="Zoé",
            date_naissance=date(2008, 7, 15),
            code_commune="59350",
            referent_email="referente.ase@cd59.exemple.fr",
            referent_nom="Mme Durand",
            referent_telephone="+33320123456",
            telephone="+33612345678",
            telephone_mobile=True,
            email="zoe.lefevre@exemple.fr",
            consentement=True,
            besoin_logement=True,
            date_entretien="2026-03-12T14:30",
            lieu_entretien="Mission locale de Lille, 2e étage",
            code_ml="ML59-LILLE",
            parcours={"ressources": "securise", "emploi": "en_cours", "logement": "a_traiter"},
            lieu_accueil_nom="MECS Les Tilleuls",
            lieu_accueil_email="accueil@tilleuls.exemple.fr",
        )
    ]


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [(",", "utf-8", True), (";", "utf-8", False), ("\t", "cp1252", False)],
)
def test_csv_variants_with_canonical_headers_read_the_same(sep, encoding, bom):
    data = roster_csv([youth_row()], sep=sep, encoding=encoding, bom=bom, headers={})
    assert one_record_of(data).prenom == "Zoé"


def one_record_of(data: bytes) -> YouthRecord:
    result = parse(data)
    assert result.rejected == []
    (record,) = result.records
    return record


def test_an_xlsx_with_typed_cells_is_read_like_its_csv():
    # Given Excel cells: a real date, numbers that lost leading zeros, a datetime, a serial date
    rows = [
        youth_row(
            id_externe=1234,
            date_naissance=datetime(2008, 7, 15),
            code_commune=1001,
            telephone=612345678,
            date_entretien=datetime(2026, 3, 12, 14, 30),
        ),
        youth_row(
            id_externe=1235.0,
            date_naissance=39644,  # Excel serial of 2008-07-15
            telephone=690001234.0,
            date_entretien=date(2026, 3, 12),
            consentement=1,
            besoin_logement=True,
        ),
    ]
    # When the workbook is parsed
    result = parse(roster_xlsx(rows))
    # Then types are understood
    assert result.rejected == []
    first, second = result.records
    assert (first.id_externe, first.date_naissance, first.code_commune) == (
        "1234",
        date(2008, 7, 15),
        "01001",
    )
    assert (first.telephone, first.date_entretien) == ("+33612345678", "2026-03-12T14:30")
    assert (second.id_externe, second.date_naissance) == ("1235", date(2008, 7, 15))
    assert (second.telephone, second.date_entretien) == ("+590690001234", "2026-03-12")
    assert second.consentement and second.besoin_logement


@pytest.mark.parametrize(
    ("column", "header"),
    [
        ("id_externe", "Identifiant"),
        ("id_externe", "Numéro dossier"),
        ("id_externe", "N° dossier"),
        ("nom", "NOM DE FAMILLE"),
        ("prenom", "prénom"),
        ("date_naissance", "Date de naissance"),
        ("date_naissance", "Né(e) le"),
        ("code_commune", "Code INSEE"),
        ("code_commune", "Commune INSEE"),
        ("referent_email", "E-mail référent"),
        ("telephone", "Portable"),
        ("email", "Courriel"),
        ("consentement", "Accord partage"),
        ("besoin_logement", "Logement"),
        ("date_entretien", "Date entretien majorité"),
        ("lieu_accueil_nom", "Structure"),
        ("lieu_accueil_nom", "Lieu d'accueil"),
    ],
)
def test_every_synonym_of_the_spec_is_understood(column, header):
    value = {
        "besoin_logement": "oui",
        "consentement": "oui",
        "lieu_accueil_nom": "Foyer",
        "email": "zoe@exemple.fr",
        "date_entretien": "12/03/2026",
    }.get(column)
    row = youth_row(**({column: value} if value else {}))
    headers = {key: key for key in row} | {column: header}
    record = one_record_of(roster_csv([row], headers=headers))
    assert getattr(record, column) not in (None, False)


def test_a_lone_logement_column_is_the_flag_but_next_to_besoin_logement_it_is_the_pathway():
    alone = one_record_of(
        roster_csv([youth_row(besoin_logement="oui")], headers={"besoin_logement": "Logement"})
    )
    assert alone.besoin_logement and alone.parcours == {"logement": "a_traiter"}
    both = one_record_of(
        roster_csv(
            [youth_row(besoin_logement="oui", parcours_logement="En cours")],
            headers={"besoin_logement": "besoin_logement", "parcours_logement": "Logement"},
        )
    )
    assert both.besoin_logement and both.parcours == {"logement": "en_cours"}


def test_missing_required_columns_are_all_named_before_any_row_is_read():
    data = table_csv(["Nom", "Prénom", "Observations"], [["x" * 70_000, "bad", "z"]])
    with pytest.raises(MissingColumnsError) as caught:
        parse(data)
    assert caught.value.columns == [
        "id_externe",
        "date_naissance",
        "code_commune",
        "referent_email",
    ]


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4", b"\x00\x01\x02", b"une ligne sans colonnes\n"])
def test_an_unreadable_file_is_a_file_level_error(data):
    with pytest.raises(UnreadableFileError):
        parse(data)


def test_row_numbers_are_those_the_spreadsheet_shows():
    data = (
        roster_csv([youth_row(id_externe="A1")])
        + b";;;;;;\r\n\r\n"
        + roster_csv([youth_row(id_externe="A2", nom="L3f")]).split(b"\r\n", 1)[1]
    )
    result = parse(data)
    assert [(e.row, e.column, e.code) for e in result.rejected] == [(5, "nom", "invalid_name")]
    assert result.rows == 2


def test_extra_columns_are_ignored_with_a_warning_and_an_empty_file_warns():
    result = parse(roster_csv([youth_row(observations="RAS", **{"Colonne X": "1"})]))
    assert len(result.records) == 1
    assert [(w.row, w.column, w.code, w.message) for w in result.warnings] == [
        (
            None,
            None,
            "ignored_columns",
            "Colonnes ignorées (nom non reconnu ou en double) : « observations », « Colonne X ».",
        )
    ]
    assert result.ignored_columns == ["observations", "Colonne X"]
    empty = parse(
        table_csv(
            ["id_externe", "nom", "prenom", "date_naissance", "code_commune", "referent_email"], []
        )
    )
    assert (empty.rows, empty.records) == (0, [])
    (warning,) = empty.warnings
    assert warning.message == "Le fichier ne contient aucune ligne de données."


# --- rows and ids ----------------------------------------------------------------------------


def test_a_rejected_row_reports_all_its_errors_in_column_order():
    row = youth_row(
        id_externe="B7",
        nom="L3",
        date_naissance="31/02/2008",
        code_commune="75015",
        referent_email="nope",
        telephone="12",
        consentement="peut-être",
        parcours_sante="??",
    )
    result = parse(roster_csv([row]))
    assert [(e.row, e.id_externe, e.column, e.code) for e in result.rejected] == [
        (2, "B7", "nom", "invalid_name"),
        (2, "B7", "date_naissance", "invalid_date"),
        (2, "B7", "code_commune", "postal_code"),
        (2, "B7", "referent_email", "invalid_email"),
    ]  # the bad optional values (phone, flag, pathway) only reject nothing: SPEC §5.1
    assert all(error.message for error in result.rejected)
    assert result.rejected_ids == {"B7"}


def test_a_duplicated_id_rejects_every_row_carrying_it():
    rows = [
        youth_row(id_externe="C1"),
        youth_row(id_externe="C2"),
        youth_row(id_externe="C1", nom="B4d"),
        youth_row(id_externe="C1"),
    ]
    result = parse(roster_csv(rows))
    assert [record.id_externe for record in result.records] == ["C2"]
    assert [(e.row, e.column, e.code) for e in result.rejected] == [
        (2, "id_externe", "duplicate_id"),
        (4, "nom", "invalid_name"),
        (4, "id_externe", "duplicate_id"),
        (5, "id_externe", "duplicate_id"),
    ]
    assert "(2, 4, 5)" in result.rejected[0].message
    assert result.rejected_ids == {"C1"}
    assert result.rejected_rows == 3


def test_a_row_without_a_readable_id_is_rejected_without_an_id():
    result = parse(roster_csv([youth_row(id_externe=""), youth_row(id_externe="Z" * 80)]))
    assert [(e.row, e.id_externe, e.code) for e in result.rejected] == [
        (2, None, "required"),
        (3, None, "too_long"),
    ]
    assert result.rejected_ids == set()


def test_counts_add_up_over_a_mixed_file():
    rows = [youth_row(id_externe=f"M{n}") for n in range(5)] + [
        youth_row(id_externe="Y1", date_naissance="01/01/2012"),
        youth_row(id_externe="R1", code_commune="75015"),
        youth_row(id_externe="M0"),
        youth_row(id_externe=ABSENT, nom=ABSENT),
    ]
    result = parse(roster_csv(rows))
    assert result.rows == 9
    assert (len(result.records), result.rejected_rows, result.skipped_too_young) == (4, 4, 1)


def test_messages_never_contain_the_cells_they_judge():
    # Given every personal column filled with a recognisable but invalid value
    row = youth_row(
        id_externe="Q-1",
        nom="Secretnom1",
        prenom="Secretprenom2",
        date_naissance="Secretdate3",
        code_commune="Secretcode4",
        referent_email="Secretmail5",
        telephone="Secretphone6",
        email="Secretmail7",
        referent_telephone="09999",
        lieu_accueil_email="Secretmail8",
        consentement="Secretflag9",
        parcours_emploi="Secretstate10",
    )
    result = parse(roster_csv([row]))
    assert len(result.rejected) == 5  # the required columns; the rest are dropped optional values
    optional = ("telephone", "email", "referent_telephone", "lieu_accueil_email", "consentement",
                "parcours_emploi")  # fmt: skip
    kept = parse(roster_csv([{**youth_row(id_externe="Q-1"), **{c: row[c] for c in optional}}]))
    assert len(kept.records) == 1 and len(kept.warnings) == 6
    messages = [e.message for e in result.rejected] + [w.message for w in kept.warnings]
    text = " ".join(messages)
    assert "Secret" not in text and "09999" not in text

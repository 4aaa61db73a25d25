"""Roster cell rules (SPEC §5.1): names, dates and ages, INSEE codes, emails, flags, phones,
interview dates, pathway states, lengths."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.youth import YouthRecord, age_on
from chalicelib.roster.parsing import RosterParse, parse_roster
from tests.support.roster_files import TODAY, roster_csv, youth_row


def parse(data: bytes, department: str = "59", today: date = TODAY) -> RosterParse:
    return parse_roster(data, department=department, today=today)


def one_record(**cells: object) -> YouthRecord:
    result = parse(roster_csv([youth_row(**cells)]))
    assert result.rejected == []
    assert len(result.records) == 1
    return result.records[0]


def one_record_of(data: bytes) -> YouthRecord:
    result = parse(data)
    assert result.rejected == []
    (record,) = result.records
    return record


def errors_of(**cells: object) -> list[tuple[str, str]]:
    result = parse(roster_csv([youth_row(**cells)]))
    assert result.records == []
    return [(error.column, error.code) for error in result.rejected]


def kept_without(**cells: object) -> list[tuple[str, str]]:
    """SPEC §5.1: a bad optional value never rejects its row. The row is kept without the value;
    returns the row's warnings as (column, code), after checking they name row 2."""
    result = parse(roster_csv([youth_row(**cells)]))
    assert result.rejected == []
    (record,) = result.records
    for column in cells:
        if column.startswith("parcours_"):
            assert column.removeprefix("parcours_") not in record.parcours
        elif column in ("consentement", "besoin_logement"):
            assert getattr(record, column) is False
        else:
            assert getattr(record, column) is None
    warned = [w for w in result.warnings if w.row is not None]
    assert all(w.row == 2 and "la ligne est gardée" in w.message for w in warned)
    return [(w.column, w.code) for w in warned]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zoé   Marie ", "Zoé Marie"),
        ("O'Neil", "O'Neil"),
        ("N’Diaye", "N’Diaye"),
        ("Jean-Luc", "Jean-Luc"),
        ("Þórunn", "Þórunn"),
        ("Ğülşen", "Ğülşen"),
        ("李", "李"),
        ("Zoe\u0301", "Zoé"),  # decomposed accent recomposed (NFC)
    ],
)
def test_names_accept_any_letters_apostrophes_hyphens_and_spaces(raw, expected):
    record = one_record_of(roster_csv([youth_row(prenom=raw)], encoding="utf-8"))
    assert record.prenom == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Zoé2", "invalid_name"),
        ("Dupont.", "invalid_name"),
        ("-", "invalid_name"),
        ("=HYPERLINK()", "invalid_name"),
        ("É" * 201, "too_long"),
        ("", "required"),
        ("   ", "required"),
    ],
)
def test_bad_names_are_rejected(raw, code):
    assert errors_of(nom=raw) == [("nom", code)]


@pytest.mark.parametrize(
    "raw",
    [
        "15/07/2008",
        "15-07-2008",
        "15.07.2008",
        "2008-07-15",
        "15/7/2008",
        "2008-07-15 00:00:00",
        "15/07/2008 00:00",
    ],
)
def test_birth_dates_in_the_accepted_forms_are_read(raw):
    assert one_record(date_naissance=raw).date_naissance == date(2008, 7, 15)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("31/02/2008", "invalid_date"),
        ("15/07/08", "invalid_date"),
        ("2008/07/15", "invalid_date"),
        ("07/15/2008x", "invalid_date"),
        ("quinze juillet 2008", "invalid_date"),
        ("15/07/1850", "invalid_date"),
        ("", "required"),
        ("15/01/2027", "future_date"),
        ("15/01/2005", "too_old"),
        ("15/01/1990", "too_old"),
    ],
)
def test_bad_birth_dates_are_rejected(raw, code):
    assert errors_of(date_naissance=raw) == [("date_naissance", code)]


@pytest.mark.parametrize(
    ("birth", "outcome"),
    [
        ("16/01/2005", "record"),  # 21 tomorrow: still in scope
        ("15/01/2005", "too_old"),  # 21 today
        ("15/01/2010", "record"),  # 16 today
        ("16/01/2010", "skipped"),  # 16 tomorrow
        ("15/01/2026", "skipped"),  # born today
    ],
)
def test_ages_decide_between_record_rejection_and_skip(birth, outcome):
    result = parse(roster_csv([youth_row(date_naissance=birth)]))
    got = (
        "record"
        if result.records
        else "skipped"
        if result.skipped_too_young
        else (result.rejected[0].code)
    )
    assert got == outcome


@pytest.mark.parametrize(
    ("today", "age"), [(date(2025, 2, 28), 16), (date(2025, 3, 1), 17), (date(2024, 2, 29), 16)]
)
def test_a_youth_born_on_29_february_ages_on_1_march_in_common_years(today, age):
    assert age_on(date(2008, 2, 29), today) == age


def test_a_child_under_16_is_only_counted_even_with_broken_cells():
    # Given a 15-year-old with a broken phone and an invalid commune, and a duplicate of its id
    young = youth_row(
        id_externe="D1", date_naissance="01/06/2010", telephone="n/a", code_commune="xx"
    )
    adult = youth_row(id_externe="D1")
    # When parsed
    result = parse(roster_csv([young, adult]))
    # Then the child is counted and nothing of it is kept anywhere
    assert result.skipped_too_young == 1
    assert result.rejected == [] and result.rejected_ids == set()
    assert [record.id_externe for record in result.records] == ["D1"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("75015", "postal_code"),
        ("20000", "postal_code"),
        ("750", "invalid_insee"),
        ("ABCDE", "invalid_insee"),
        ("97501", "invalid_insee"),
        ("", "required"),
    ],
)
def test_bad_commune_codes_are_rejected(raw, code):
    assert errors_of(code_commune=raw) == [("code_commune", code)]


def test_commune_codes_that_are_also_postal_codes_are_kept_with_a_warning_naming_the_other():
    rows = [youth_row(id_externe=f"A{n}", code_commune="13008") for n in range(3)]
    result = parse(roster_csv(rows))
    assert len(result.records) == 3
    assert [(w.row, w.column, w.code) for w in result.warnings] == [
        (row, "code_commune", "postal_code_note") for row in (2, 3, 4)
    ]
    assert result.warnings[0].message == (
        "Code INSEE qui est aussi un code postal de Marseille ; si c'est Marseille 8e, son code "
        "INSEE est 13208. Vérifiez-le."
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Referente.ASE@CD59.Exemple.fr", "referente.ase@cd59.exemple.fr"),
        (" mailto:ref@cd59.fr ", "ref@cd59.fr"),
    ],
)
def test_emails_are_trimmed_and_lowercased(raw, expected):
    assert one_record(referent_email=raw).referent_email == expected


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        ("referent_email", "referente.cd59.fr", "invalid_email"),
        ("referent_email", "a@b", "invalid_email"),
        ("referent_email", "a..b@cd59.fr", "invalid_email"),
        ("referent_email", "", "required"),
    ],
)
def test_a_bad_referent_email_rejects_the_row(column, raw, code):
    assert errors_of(**{column: raw}) == [(column, code)]


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        ("email", "zoé@", "invalid_email"),
        ("email", "a" * 320 + "@x.fr", "too_long"),
        ("lieu_accueil_email", "foyer@", "invalid_email"),
    ],
)
def test_a_bad_optional_email_is_dropped_with_a_warning(column, raw, code):
    assert kept_without(**{column: raw}) == [(column, code)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("Oui ", True),
        ("o", True),
        ("1", True),
        ("x", True),
        ("X", True),
        ("true", True),
        ("yes", True),
        ("vrai", True),
        ("non", False),
        ("NON", False),
        ("n", False),
        ("0", False),
        ("", False),
        ("false", False),
        ("no", False),
        ("Nön", False),
    ],
)
def test_flags_accept_the_usual_yes_and_no_spellings(raw, expected):
    record = one_record(consentement=raw, besoin_logement=raw)
    assert (record.consentement, record.besoin_logement) == (expected, expected)


@pytest.mark.parametrize("raw", ["peut-être", "2", "ok", "?"])
def test_other_flag_values_mean_no_with_a_warning(raw):
    assert kept_without(consentement=raw) == [("consentement", "invalid_flag")]


def test_flags_default_to_no_when_their_columns_are_absent():
    record = one_record()
    assert (record.consentement, record.besoin_logement, record.parcours) == (False, False, {})


@pytest.mark.parametrize(
    ("department", "raw", "expected", "mobile"),
    [
        ("59", "06 12 34 56 78", "+33612345678", True),
        ("59", "03 20 12 34 56", "+33320123456", False),
        ("974", "0692 12 34 56", "+262692123456", True),
        ("974", "06 12 34 56 78", "+33612345678", True),
        ("976", "0639 01 23 45", "+262639012345", True),
    ],
)
def test_phones_are_read_with_the_rosters_department(department, raw, expected, mobile):
    result = parse(roster_csv([youth_row(telephone=raw, referent_telephone=raw)]), department)
    (record,) = result.records
    assert (record.telephone, record.telephone_mobile, record.referent_telephone) == (
        expected,
        mobile,
        expected,
    )


@pytest.mark.parametrize("column", ["telephone", "referent_telephone"])
def test_bad_phones_are_dropped_with_a_warning(column):
    assert kept_without(**{column: "06 12 34"}) == [(column, "invalid_phone")]


def test_an_unallocated_mayotte_mobile_keeps_the_youth_and_its_referral():
    # issue 12: "0639 12 34 56" is not an allocated number; it used to reject the row
    result = parse(roster_csv([youth_row(telephone="0639 12 34 56")]), "976")
    (record,) = result.records
    assert record.telephone is None
    ((row, column, code),) = [(w.row, w.column, w.code) for w in result.warnings]
    assert (row, column, code) == (2, "telephone", "invalid_phone")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/03/2026", "2026-03-12"),
        ("12/03/2026 14:30", "2026-03-12T14:30"),
        ("12/03/2026 9h05", "2026-03-12T09:05"),
        ("12/03/2026 à 14h", "2026-03-12T14:00"),
        ("2026-03-12T14:30", "2026-03-12T14:30"),
        ("2026-03-12 14:30:00", "2026-03-12T14:30"),
        ("12/03/2025", "2025-03-12"),
    ],
)
def test_the_interview_date_keeps_its_optional_time(raw, expected):
    assert one_record(date_entretien=raw).date_entretien == expected


@pytest.mark.parametrize("raw", ["12/03/2026 25:00", "12/03/2026 14:75", "bientôt", "12/03"])
def test_bad_interview_dates_are_dropped_with_a_warning(raw):
    assert kept_without(date_entretien=raw) == [("date_entretien", "invalid_date")]


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("Sécurisé", "securise"),
        ("securise", "securise"),
        ("SÉCURISÉE", "securise"),
        ("En cours", "en_cours"),
        ("en-cours", "en_cours"),
        ("EN_COURS", "en_cours"),
        ("À traiter", "a_traiter"),
        ("a traiter", "a_traiter"),
        ("a_traiter", "a_traiter"),
    ],
)
def test_pathway_states_ignore_accents_case_spaces_and_hyphens(raw, state):
    record = one_record(
        **{
            f"parcours_{part}": raw
            for part in ("ressources", "logement", "emploi", "sante", "droits", "accompagnement")
        }
    )
    assert set(record.parcours.values()) == {state} and len(record.parcours) == 6


def test_an_empty_pathway_cell_is_unknown_and_a_bad_one_is_unknown_with_a_warning():
    assert one_record(parcours_sante="", parcours_droits="En cours").parcours == {
        "droits": "en_cours"
    }
    assert kept_without(parcours_sante="fini") == [("parcours_sante", "invalid_pathway")]


def test_housing_need_means_housing_to_handle_only_when_the_pathway_column_is_absent():
    assert one_record(besoin_logement="oui").parcours == {"logement": "a_traiter"}
    assert one_record(besoin_logement="oui", parcours_logement="").parcours == {}
    assert one_record(besoin_logement="oui", parcours_logement="Sécurisé").parcours == {
        "logement": "securise"
    }


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        ("id_externe", "X" * 65, "too_long"),
        ("id_externe", "A\x01B", "invalid_id"),
        ("nom", "z" * 201, "too_long"),
    ],
)
def test_overlong_or_control_character_required_cells_reject_the_row(column, raw, code):
    assert errors_of(**{column: raw}) == [(column, code)]


@pytest.mark.parametrize(
    ("column", "raw", "code"),
    [
        ("lieu_entretien", "y" * 201, "too_long"),
        ("lieu_accueil_nom", "Foyer\x07", "invalid_text"),
        ("code_ml", "M" * 33, "too_long"),
        ("referent_nom", "z" * 201, "too_long"),
    ],
)
def test_overlong_or_control_character_optional_cells_are_dropped_with_a_warning(column, raw, code):
    assert kept_without(**{column: raw}) == [(column, code)]


def test_bidi_controls_and_invisible_characters_are_removed_from_free_text():
    row = youth_row(lieu_accueil_nom="Foyer \u202eLes Tilleuls\u202c\u200b", nom="Le\u00adfèvre")
    record = one_record_of(roster_csv([row], encoding="utf-8"))
    assert (record.lieu_accueil_nom, record.nom) == ("Foyer Les Tilleuls", "Lefèvre")


def test_the_per_file_memo_keeps_short_repeated_values_but_not_long_unique_ones():
    from chalicelib.inputs.cells import MEMO_TEXT_CHARS, RowFields, free_text

    memo: dict = {}
    long_value = "é" * (MEMO_TEXT_CHARS + 1)
    for number, value in enumerate(["59350", "59350", long_value]):
        fields = RowFields({"prenom": 0}, number, [value], memo)
        assert fields.get("prenom", free_text) == value
    assert [key[2] for key in memo] == ["59350"]

"""Directory files (SPEC §5.2, §5.3): missions-locales contacts, UNML coverage, habitat jeunes."""

from __future__ import annotations

import pytest

from chalicelib.directory.entries import CoverageEntry, HabitatJeunes, MissionLocale
from chalicelib.directory.parsing import (
    parse_coverage,
    parse_habitat_jeunes,
    parse_missions_locales,
)
from chalicelib.errors import MissingColumnsError, UnreadableFileError
from tests.unit.roster_files import (
    coverage_csv,
    coverage_row,
    directory_csv,
    table_csv,
    table_xlsx,
)


def ml(**cells: object) -> dict:
    row = {
        "code_ml": "ML59001",
        "nom": "Mission locale de Lille",
        "email": "contact@ml-lille.exemple.fr",
        "telephone": "03 20 12 34 56",
        "canal": "email",
    }
    row.update(cells)
    return row


def hj(**cells: object) -> dict:
    row = {
        "id": "HJ-59-01",
        "nom": "Résidence Les Oyats",
        "email": "accueil@oyats.exemple.fr",
        "telephone": "06 12 34 56 78",
        "canal": "",
        "departement": "59",
        "communes": "59350 59512|59599",
    }
    row.update(cells)
    return row


def codes(result) -> list[tuple[int, str | None, str, str]]:
    return [(e.row, e.id_externe, e.column, e.code) for e in result.rejected]


# --- missions locales ------------------------------------------------------------------------


def test_missions_locales_contacts_are_read_and_normalised():
    data = directory_csv(
        [ml(), ml(code_ml=" ml974-02 ", email="", telephone="0692 12 34 56", canal="SMS")]
    )
    result = parse_missions_locales(data)
    assert result.rejected == [] and result.rows == 2
    assert result.items == [
        MissionLocale(
            "ML59001",
            "Mission locale de Lille",
            "contact@ml-lille.exemple.fr",
            "+33320123456",
            False,
            "email",
        ),
        MissionLocale("ML974-02", "Mission locale de Lille", None, "+262692123456", True, "sms"),
    ]


def test_the_channel_defaults_to_email_and_the_phone_is_optional():
    data = directory_csv([ml(canal="", telephone="")])
    (item,) = parse_missions_locales(data).items
    assert (item.canal, item.telephone, item.telephone_mobile) == ("email", None, False)


def test_contacts_may_come_as_xlsx_with_french_headers():
    data = table_xlsx(
        ["Code ML", "Nom", "Courriel", "Téléphone"],
        [["ML59001", "Mission locale de Lille", "contact@ml-lille.exemple.fr", 320123456]],
    )
    (item,) = parse_missions_locales(data).items
    assert (item.code_ml, item.telephone) == ("ML59001", "+33320123456")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"canal": "pigeon"}, [("canal", "invalid_canal")]),
        ({"canal": "sms"}, [("telephone", "sms_needs_mobile")]),
        ({"canal": "sms", "telephone": ""}, [("telephone", "required")]),
        ({"canal": "email", "email": ""}, [("email", "required")]),
        ({"email": "contact@"}, [("email", "invalid_email")]),
        ({"telephone": "03 20"}, [("telephone", "invalid_phone")]),
        ({"code_ml": ""}, [("code_ml", "required")]),
        ({"nom": ""}, [("nom", "required")]),
    ],
)
def test_unusable_contacts_are_rejected_row_by_row(cells, expected):
    result = parse_missions_locales(directory_csv([ml(**cells)]))
    assert result.items == []
    assert [(e.column, e.code) for e in result.rejected] == expected
    assert result.rejected[0].row == 2


def test_a_duplicated_ml_code_rejects_all_its_rows_and_the_key_is_reported():
    data = directory_csv([ml(), ml(code_ml="ML59002"), ml(code_ml="ml59001")])
    result = parse_missions_locales(data)
    assert [item.code_ml for item in result.items] == ["ML59002"]
    assert codes(result) == [
        (2, "ML59001", "code_ml", "duplicate_id"),
        (4, "ML59001", "code_ml", "duplicate_id"),
    ]


def test_contacts_need_their_columns():
    with pytest.raises(MissingColumnsError) as caught:
        parse_missions_locales(directory_csv([{"code_ml": "X", "telephone": "x"}]))
    assert caught.value.columns == ["nom", "email"]


# --- coverage --------------------------------------------------------------------------------


def test_the_unml_coverage_file_groups_rows_by_commune():
    # Given the file as UNML publishes it: BOM, ";", address columns, a commune on two MLs
    data = coverage_csv(
        [
            coverage_row("59350", "Lille", "ML59001"),
            coverage_row("59512", "Roubaix", "ML59002", shared="Oui"),
            coverage_row("59512", "Roubaix", "ML59001", shared="Oui"),
            coverage_row("2A004", "Ajaccio", "ML2A01"),
            coverage_row("97411", "Saint-Denis", "ML97401"),
        ]
    )
    # When parsed
    result = parse_coverage(data, {"ML59001", "ML59002", "ML2A01", "ML97401"})
    # Then each commune is one entry, shared ones with every ML, sorted
    assert result.rejected == [] and result.rows == 5 and result.warnings == []
    assert result.items == [
        CoverageEntry("2A004", "Ajaccio", ("ML2A01",), False),
        CoverageEntry("59350", "Lille", ("ML59001",), False, ("59000",)),  # its ML sits in Lille
        CoverageEntry("59512", "Roubaix", ("ML59001", "ML59002"), True),
        CoverageEntry("97411", "Saint-Denis", ("ML97401",), False),
    ]


def test_a_commune_on_two_missions_locales_without_the_oui_flag_is_rejected_entirely():
    data = coverage_csv(
        [
            coverage_row("59512", "Roubaix", "ML59002", shared="Oui"),
            coverage_row("59350", "Lille", "ML59001"),
            coverage_row("59512", "Roubaix", "ML59001", shared="Non"),
        ]
    )
    result = parse_coverage(data, None)
    assert [entry.insee for entry in result.items] == ["59350"]
    assert codes(result) == [
        (2, "59512", "Commune présente sur plusieurs ML", "shared_without_flag"),
        (4, "59512", "Commune présente sur plusieurs ML", "shared_without_flag"),
    ]
    assert "(lignes 2, 4)" in result.rejected[0].message


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (coverage_row("59000", "Lille", "ML59001"), ("59000", "Code INSEE", "postal_code")),
        (coverage_row("5935X", "Lille", "ML59001"), ("5935X", "Code INSEE", "invalid_insee")),
        (coverage_row("59350", "Lille", "ML00000"), ("59350", "Code ML", "unknown_ml")),
        (coverage_row("59350", "", "ML59001"), ("59350", "Nom Commune", "required")),
        (
            coverage_row("59350", "Lille", "ML59001", "Peut-être"),
            ("59350", "Commune présente sur plusieurs ML", "invalid_flag"),
        ),
    ],
)
def test_bad_coverage_rows_are_rejected_with_their_commune_as_key(row, expected):
    result = parse_coverage(coverage_csv([row]), {"ML59001"})
    assert result.items == []
    assert codes(result) == [(2, *expected)]


def test_unknown_ml_codes_are_accepted_when_no_contact_list_is_given():
    data = coverage_csv([coverage_row("59350", "Lille", "ml-nouvelle")])
    assert parse_coverage(data, None).items == [
        CoverageEntry("59350", "Lille", ("ML-NOUVELLE",), postal_codes=("59000",))
    ]


def test_repeated_rows_merge_and_a_lone_shared_flag_warns():
    data = coverage_csv(
        [
            coverage_row("59350", "Lille", "ML59001"),
            coverage_row("59350", "Lille", "ML59001"),
            coverage_row("59512", "Roubaix", "ML59002", shared="Oui"),
        ]
    )
    result = parse_coverage(data, None)
    assert result.items == [
        CoverageEntry("59350", "Lille", ("ML59001",), False, ("59000",)),  # its ML sits in Lille
        CoverageEntry("59512", "Roubaix", ("ML59002",), False),
    ]
    assert len(result.warnings) == 2


def test_coverage_needs_the_unml_columns():
    data = table_csv(["INSEE", "Commune"], [["59350", "Lille"]], bom=True)
    with pytest.raises(MissingColumnsError) as caught:
        parse_coverage(data, None)
    assert caught.value.columns == ["Code ML"]


def test_an_unreadable_coverage_file_is_a_file_level_error():
    with pytest.raises(UnreadableFileError):
        parse_coverage(b"PK\x03\x04 not really", None)


# --- habitat jeunes --------------------------------------------------------------------------


def test_habitat_jeunes_residences_are_read_with_their_communes():
    data = directory_csv(
        [
            hj(),
            hj(id="UDHAJ-974", departement="974", communes="", telephone="0262 16 12 34"),
            hj(id="HJ-01", departement=1, communes="1001 | 01004", telephone=""),
        ]
    )
    result = parse_habitat_jeunes(data)
    assert result.rejected == []
    assert result.items == [
        HabitatJeunes(
            "HJ-59-01",
            "Résidence Les Oyats",
            "accueil@oyats.exemple.fr",
            "59",
            "+33612345678",
            True,
            "email",
            frozenset({"59350", "59512", "59599"}),
        ),
        HabitatJeunes(
            "UDHAJ-974",
            "Résidence Les Oyats",
            "accueil@oyats.exemple.fr",
            "974",
            "+262262161234",
            False,
            "email",
            frozenset(),
        ),
        HabitatJeunes(
            "HJ-01",
            "Résidence Les Oyats",
            "accueil@oyats.exemple.fr",
            "01",
            None,
            False,
            "email",
            frozenset({"01001", "01004"}),
        ),
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"departement": "20"}, [("departement", "invalid_department")]),
        ({"departement": "975"}, [("departement", "invalid_department")]),
        ({"departement": ""}, [("departement", "required")]),
        ({"communes": "59350 62041"}, [("communes", "commune_outside_department")]),
        (
            {"communes": "59350 59000 abc"},
            [("communes", "postal_code"), ("communes", "invalid_insee")],
        ),
        ({"canal": "sms", "telephone": "03 20 12 34 56"}, [("telephone", "sms_needs_mobile")]),
        ({"id": ""}, [("id", "required")]),
    ],
)
def test_bad_residences_are_rejected_with_every_error(cells, expected):
    result = parse_habitat_jeunes(directory_csv([hj(**cells)]))
    assert result.items == []
    assert sorted((e.column, e.code) for e in result.rejected) == sorted(expected)


def test_a_duplicated_residence_id_rejects_both_rows():
    result = parse_habitat_jeunes(directory_csv([hj(), hj(nom="Autre")]))
    assert result.items == []
    assert codes(result) == [
        (2, "HJ-59-01", "id", "duplicate_id"),
        (3, "HJ-59-01", "id", "duplicate_id"),
    ]


def test_counts_add_up_for_directory_files():
    data = directory_csv([hj(id=f"H{n}") for n in range(4)] + [hj(id="H9", departement="xx")])
    result = parse_habitat_jeunes(data)
    assert (result.rows, len(result.items), len({e.row for e in result.rejected})) == (5, 4, 1)

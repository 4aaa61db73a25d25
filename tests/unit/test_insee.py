"""INSEE commune codes: shapes, Corsica, overseas, arrondissements, postal codes given instead."""

from __future__ import annotations

import pytest

from chalicelib.inputs.insee import InvalidInseeError, normalize_insee, postal_code_note


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("59350", "59350"),  # Lille
        ("01001", "01001"),
        (" 01001 ", "01001"),
        ("2A004", "2A004"),  # Ajaccio
        ("2b033", "2B033"),  # Bastia, lowercase
        ("75056", "75056"),  # Paris as a whole
        ("75101", "75101"),
        ("75120", "75120"),
        ("75116", "75116"),  # Paris 16e: INSEE and postal code alike
        ("69123", "69123"),  # Lyon
        ("69381", "69381"),
        ("69389", "69389"),
        ("13055", "13055"),  # Marseille
        ("13201", "13201"),
        ("13216", "13216"),
        ("97101", "97101"),  # Les Abymes
        ("97209", "97209"),  # Fort-de-France
        ("97302", "97302"),  # Cayenne
        ("97360", "97360"),  # Apatou: a real overseas code ending in 0
        ("97411", "97411"),  # Saint-Denis (La Réunion)
        ("97611", "97611"),  # Mamoudzou
        ("75 056", "75056"),
    ],
)
def test_valid_insee_codes_are_returned_normalised(raw, expected):
    assert normalize_insee(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1001, "01001"), (1001.0, "01001"), ("1001", "01001"), (59350, "59350"), (59350.0, "59350")],
)
def test_excel_numbers_that_lost_their_leading_zero_are_repaired(raw, expected):
    assert normalize_insee(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "75015",  # Paris 15e postal code
        "75001",
        "75000",
        "20000",  # Ajaccio
        "20200",  # Bastia
        "59000",  # Lille
        "13000",
        "69000",
        "97400",  # Saint-Denis (La Réunion)
        "97490",  # Sainte-Clotilde
        "97200",  # Fort-de-France
        "97320",  # Saint-Laurent-du-Maroni
        "97600",  # Mamoudzou
        "1000",  # Bourg-en-Bresse 01000 after Excel
    ],
)
def test_a_postal_code_given_instead_of_the_insee_code_is_named_as_such(raw):
    with pytest.raises(InvalidInseeError) as caught:
        normalize_insee(raw)
    assert caught.value.code == "postal_code"
    assert caught.value.message.startswith("Code postal au lieu du code INSEE")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "123",
        "123456",
        "ABCDE",
        "2C001",
        "2A000",
        "00123",
        "96001",
        "75121",
        "75200",
        "97000",
        "97123",  # former Saint-Barthélemy code
        "97425",
        "97618",
        "97315",
        "97501",  # Saint-Pierre-et-Miquelon: not a department, out of scope
        "97701",  # Saint-Barthélemy
        "97801",  # Saint-Martin
        "98735",  # French Polynesia
        "99101",  # a foreign country
        "59 35 0 X",
        "75.056",
    ],
)
def test_anything_else_is_an_invalid_insee_code(raw):
    with pytest.raises(InvalidInseeError) as caught:
        normalize_insee(raw)
    assert caught.value.code == "invalid_insee"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("code", "city"),
    [("13001", "Marseille"), ("13016", "Marseille"), ("69003", "Lyon"), ("69009", "Lyon")],
)
def test_codes_that_are_also_postal_codes_of_marseille_or_lyon_are_accepted_with_a_note(code, city):
    # 13001 is Aix-en-Provence and 69003 Albigny-sur-Saône: refusing them would refuse real towns
    assert normalize_insee(code) == code
    assert postal_code_note(code) == city


@pytest.mark.parametrize("code", ["13017", "13055", "69010", "69123", "75056", "59350"])
def test_other_codes_carry_no_postal_note(code):
    assert postal_code_note(code) is None


def test_messages_never_quote_the_value():
    with pytest.raises(InvalidInseeError) as caught:
        normalize_insee("Roubaix 59512")
    assert "59512" not in caught.value.message

"""A commune named as exports write it → its INSEE code, through the real La Poste base
(SPEC §5.1 ``commune`` + ``code_postal``). Pure: the base is read from the committed file."""

from __future__ import annotations

from functools import cache

import pytest

from chalicelib.directory.postal_base import parse_postal_base
from chalicelib.domain import geo
from chalicelib.inputs.communes import CommuneIndex, name_key
from tests.support import laposte


@cache
def department(code: str) -> CommuneIndex:
    rows = parse_postal_base(laposte.real_base()).items
    return CommuneIndex.of(row for row in rows if geo.department_of_commune(row.insee) == code)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("L'Abergement-Clémenciat", "ABERGEMENT CLEMENCIAT"),
        ("L ABERGEMENT CLEMENCIAT", "ABERGEMENT CLEMENCIAT"),
        ("Mans (Le)", "MANS"),
        ("le-Mans", "MANS"),
        ("ST-DENIS CEDEX 1", "SAINT DENIS"),
        ("Ste Marie", "SAINTE MARIE"),
        ("Paris 15ème", "PARIS 15"),
        ("PARIS 01", "PARIS 1"),
        ("Lyon 1er arrondissement", "LYON 1"),
        ("Marcq-en-Barœul", "MARCQ EN BAROEUL"),
    ],
)
def test_names_compare_as_la_poste_writes_them(written, key):
    assert name_key(written) == key


@pytest.mark.parametrize(
    ("code", "name", "postal", "insee"),
    [
        ("01", "L'Abergement-Clémenciat", "", "01001"),  # unique in its department
        ("72", "Mans (Le)", "", "72181"),  # article in brackets
        ("93", "St-Denis", "93200", "93066"),  # ST, hyphen
        ("974", "Saint-Denis", "97400", "97411"),  # overseas
        ("62", "STE CATHERINE", "", "62744"),
        ("74", "Annecy-le-Vieux", "74940", "74010"),  # former commune → commune nouvelle
        ("01", "Dommartin", "01380", "01025"),  # former commune in Ligne_5
        ("74", "Annecy", "74600", "74010"),  # one of a commune's several postal codes
        ("75", "Paris 15e", "75015", "75115"),  # arrondissement
        ("75", "Paris", "75015", "75115"),  # the routing label and the postal code
        ("75", "PARIS", "", "75056"),  # the city: routing decides (SPEC §5.2)
        ("33", "Bordeaux Cedex", "33076", "33063"),  # a CEDEX code is in no base
        ("59", "", "59000", "59350"),  # a postal code of one commune alone
    ],
)
def test_a_commune_is_found_in_the_spellings_exports_use(code, name, postal, insee):
    found = department(code).resolve(name, postal)
    assert found.insee == insee, found
    assert found.how


def test_a_postal_code_of_several_communes_narrows_a_name_and_alone_is_ambiguous():
    # 01380 serves several communes: the name decides, the code alone cannot
    index = department("01")
    alone = index.resolve("", "01380")
    assert alone.insee is None and len(alone.candidates) > 1
    assert ("01025", "BAGE DOMMARTIN") in alone.candidates


def test_an_unknown_name_is_not_guessed():
    found = department("59").resolve("Atlantis", "")
    assert (found.insee, found.candidates) == (None, ())


def test_a_locality_several_communes_share_without_postal_code_is_ambiguous():
    # Given a Ligne_5 locality of the real base served by several communes of one department
    # (Sagone, a seaside village shared by Coggia and Vico, Corse-du-Sud)
    index = department("2A")
    shared = sorted(
        key
        for key, codes in index.lines5.items()
        if len(codes) > 1 and key not in index.names and key not in index.labels
    )
    assert shared
    # Then it designates no commune by itself: the candidates are given
    found = index.resolve(shared[0], "")
    assert found.insee is None and len(found.candidates) > 1

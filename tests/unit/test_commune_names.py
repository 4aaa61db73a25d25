"""A commune named as exports write it → its INSEE code, through the real La Poste base
(SPEC §5.1 ``commune`` + ``code_postal``). Pure: the base is read from the committed file."""

from __future__ import annotations

import pytest

from chalicelib.inputs.communes import name_key
from chalicelib.roster.parsing import parse_roster
from tests.support import laposte
from tests.support.roster_files import TODAY, table_csv

department = laposte.communes_of


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


def _roster_by_name(rows: list[tuple[str, str, str]]) -> bytes:
    headers = ["N° dossier", "Nom", "Prénom", "Né(e) le", "Ville", "CP", "Mail référent"]
    body = [[number, "Zoé", "Léa", "15/07/2008", name, postal, "ref@cd.exemple.fr"]
            for number, name, postal in rows]  # fmt: skip
    return table_csv(headers, body)


def test_a_roster_row_keeps_its_youth_whatever_the_commune_name_and_says_why():
    # Given rows of Corse-du-Sud naming a commune, a shared locality, nothing, and an unknown name
    data = _roster_by_name(
        [("C1", "Ajaccio", "20000"), ("C2", "Sagone", ""), ("C3", "", ""), ("C4", "Nowhere", "")]
    )
    # When it is parsed with the department's communes
    result = parse_roster(data, department="2A", today=TODAY, communes=lambda: department("2A"))
    # Then the named commune is resolved, the shared and unknown ones kept without a commune
    communes = {record.id_externe: record.code_commune for record in result.records}
    assert communes == {"C1": "2A004", "C2": "", "C4": ""}
    codes = {(w.row, w.code) for w in result.warnings}
    assert {(3, "commune_ambiguous"), (5, "commune_unknown")} <= codes
    (ambiguous,) = [w for w in result.warnings if w.code == "commune_ambiguous"]
    assert "2A090 (COGGIA)" in ambiguous.message and "2A348 (VICO)" in ambiguous.message
    # And only the row giving neither a name nor a postal code is rejected, saying what to give
    assert [(e.row, e.column, e.code) for e in result.rejected] == [(4, "commune", "required")]
    assert "nom" in result.rejected[0].message and "code INSEE" in result.rejected[0].message


def test_the_insee_code_wins_when_a_row_gives_both():
    headers = ["N° dossier", "Nom", "Prénom", "Né(e) le", "Code INSEE", "Ville", "Mail référent"]
    data = table_csv(headers, [["C1", "Zoé", "Léa", "15/07/2008", "2A004", "Vico", "r@cd.fr"]])
    result = parse_roster(data, department="2A", today=TODAY, communes=lambda: department("2A"))
    assert [record.code_commune for record in result.records] == ["2A004"]

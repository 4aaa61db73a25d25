"""Routing rules (SPEC §5.2, §5.3, §6): which partner, or why none."""

from __future__ import annotations

import dataclasses

import pytest

from chalicelib.directory.entries import CoverageEntry, HabitatJeunes, MissionLocale
from chalicelib.reports.labels import REASON_LABELS
from chalicelib.routing import (
    REASONS,
    InMemoryDirectory,
    NoRoute,
    Route,
    choose_channel,
    city_of_arrondissement,
    fallback_channel,
    route_habitat_jeunes,
    route_mission_locale,
)


def ml(code: str, **overrides: object) -> MissionLocale:
    values: dict = {"code_ml": code, "nom": f"ML {code}", "email": f"{code}@ml.example"}
    values.update(overrides)
    return MissionLocale(**values)


def cov(insee: str, *codes: str, shared: bool = False) -> CoverageEntry:
    return CoverageEntry(insee=insee, nom_commune=f"commune {insee}", code_mls=codes, shared=shared)


def hj(ident: str, departement: str, *communes: str, **overrides: object) -> HabitatJeunes:
    values: dict = {
        "id": ident,
        "nom": f"HJ {ident}",
        "email": f"{ident}@hj.example",
        "departement": departement,
        "communes": frozenset(communes),
    }
    values.update(overrides)
    return HabitatJeunes(**values)


DIRECTORY = InMemoryDirectory(
    missions_locales=[
        ml("ML-AJACCIO"),
        ml("ML-BASTIA"),
        ml("ML-REUNION-NORD"),
        ml("ML-MAYOTTE"),
        ml("ML-GUADELOUPE"),
        ml("ML-PARIS-15"),
        ml("ML-PARIS"),
        ml("ML-LYON-3"),
        ml("ML-MARSEILLE"),
        ml("ML-LILLE"),
        ml("ML-ROUBAIX"),
        ml("ML-SMS", canal="sms", telephone="+33612345678", telephone_mobile=True),
    ],
    coverage=[
        cov("2A004", "ML-AJACCIO"),
        cov("2B033", "ML-BASTIA"),
        cov("97411", "ML-REUNION-NORD"),
        cov("97611", "ML-MAYOTTE"),
        cov("97101", "ML-GUADELOUPE"),
        cov("75115", "ML-PARIS-15"),
        cov("75056", "ML-PARIS"),
        cov("69383", "ML-LYON-3"),
        cov("13055", "ML-MARSEILLE"),
        cov("59350", "ML-LILLE"),
        cov("59512", "ML-ROUBAIX", "ML-LILLE"),
        cov("59009", "ML-LILLE", shared=True),
        cov("59999", "ML-ABSENTE"),
        cov("59998"),
        cov("59100", "ML-SMS"),
    ],
    habitat_jeunes=[
        hj("HJ-AJACCIO", "2A", "2A004"),
        hj("UDHAJ-2A", "2A"),
        hj("UDHAJ-2B", "2B"),
        hj("HJ-REUNION", "974", "97411"),
        hj("UDHAJ-976", "976"),
        hj("HJ-LYON-Z", "69", "69383"),
        hj("HJ-LYON-A", "69", "69383"),
        hj("UDHAJ-69", "69"),
        hj("HJ-PARIS-VILLE", "75", "75056"),
        hj("HJ-PARIS-15", "75", "75115"),
        hj("HJ-LILLE", "59", "59350"),
        hj("HJ-ROUBAIX", "59", "59512"),
    ],
)


@pytest.mark.parametrize(
    ("code_commune", "expected_ml"),
    [
        ("2A004", "ML-AJACCIO"),  # Ajaccio, Corse-du-Sud
        ("2a004", "ML-AJACCIO"),  # lower-case Corsican code
        ("2B033", "ML-BASTIA"),  # Bastia, Haute-Corse
        ("97411", "ML-REUNION-NORD"),  # Saint-Denis, La Réunion
        ("97611", "ML-MAYOTTE"),  # Mamoudzou, Mayotte
        ("97101", "ML-GUADELOUPE"),  # Les Abymes, Guadeloupe
        ("75115", "ML-PARIS-15"),  # Paris 15e listed as itself
        ("69383", "ML-LYON-3"),  # Lyon 3e listed as itself
        ("13208", "ML-MARSEILLE"),  # Marseille 8e absent: the city row is used
        ("75107", "ML-PARIS"),  # Paris 7e absent: the city row is used
        (" 59350 ", "ML-LILLE"),
    ],
)
def test_the_mission_locale_covering_the_commune_is_chosen(code_commune, expected_ml):
    route = route_mission_locale(code_commune, None, DIRECTORY)
    assert isinstance(route, Route)
    assert route.partner_type == "mission_locale"
    assert route.partner_id == expected_ml
    assert route.nom == f"ML {expected_ml}"
    assert route.email == f"{expected_ml}@ml.example"
    assert route.canal == "email"


@pytest.mark.parametrize(
    ("code_commune", "code_ml", "expected"),
    [
        ("59350", "ML-ROUBAIX", "ML-ROUBAIX"),  # overrides the coverage
        ("59512", "ML-ROUBAIX", "ML-ROUBAIX"),  # settles a shared commune
        ("59009", "ML-LILLE", "ML-LILLE"),  # settles a commune flagged shared
        ("00000", "ML-LILLE", "ML-LILLE"),  # even for a commune absent from the coverage
        ("59350", "  ML-ROUBAIX ", "ML-ROUBAIX"),
    ],
)
def test_the_roster_code_ml_forces_that_mission_locale(code_commune, code_ml, expected):
    route = route_mission_locale(code_commune, code_ml, DIRECTORY)
    assert isinstance(route, Route)
    assert route.partner_id == expected


@pytest.mark.parametrize(
    ("code_commune", "code_ml", "exclude", "reason"),
    [
        ("59512", None, frozenset(), "commune_partagee"),  # several codes
        ("59009", None, frozenset(), "commune_partagee"),  # flagged shared, one code
        ("59512", "", frozenset(), "commune_partagee"),  # empty code_ml is no code_ml
        ("00000", None, frozenset(), "commune_inconnue"),
        ("59998", None, frozenset(), "commune_inconnue"),  # a coverage row without any code
        ("75199", None, frozenset(), "commune_inconnue"),  # not an arrondissement: no city row
        # SPEC §5.2: a city code is answered from its arrondissements; only Lyon 3e is known here
        ("69123", None, frozenset(), "commune_partagee"),
        ("59999", None, frozenset(), "ml_inconnue"),  # coverage names an ML absent from contacts
        ("59350", "ML-INEXISTANTE", frozenset(), "ml_inconnue"),
        ("59350", None, frozenset({"ML-LILLE"}), "partenaire_exclu"),
        ("59512", "ML-ROUBAIX", frozenset({"ML-ROUBAIX"}), "partenaire_exclu"),
    ],
)
def test_no_mission_locale_is_chosen_and_the_reason_is_given(
    code_commune, code_ml, exclude, reason
):
    result = route_mission_locale(code_commune, code_ml, DIRECTORY, exclude=exclude)
    assert isinstance(result, NoRoute)
    assert result.reason == reason
    assert result.message


def test_a_shared_commune_tells_the_department_to_set_code_ml():
    result = route_mission_locale("59512", None, DIRECTORY)
    assert result == NoRoute(
        "commune_partagee",
        "commune partagée entre plusieurs missions locales : indiquez code_ml",
        ("ML-LILLE", "ML-ROUBAIX"),
    )


def test_an_excluded_partner_other_than_the_candidate_changes_nothing():
    route = route_mission_locale("59350", None, DIRECTORY, exclude=frozenset({"ML-ROUBAIX"}))
    assert isinstance(route, Route)
    assert route.partner_id == "ML-LILLE"


def test_no_route_messages_carry_no_commune_code():
    for code in ("00000", "59512", "59999"):
        result = route_mission_locale(code, None, DIRECTORY)
        assert isinstance(result, NoRoute)
        assert code not in result.message


@pytest.mark.parametrize(
    ("code_commune", "expected"),
    [
        ("2A004", "HJ-AJACCIO"),  # a residence listing Ajaccio wins over the departmental contact
        ("2A041", "UDHAJ-2A"),  # another Corse-du-Sud commune: departmental contact
        ("2B033", "UDHAJ-2B"),  # Haute-Corse is its own department
        ("97411", "HJ-REUNION"),
        ("97611", "UDHAJ-976"),  # Mayotte on three digits
        ("69383", "HJ-LYON-A"),  # two residences list Lyon 3e: the lowest id
        ("69381", "UDHAJ-69"),
        ("75115", "HJ-PARIS-15"),  # listing the arrondissement beats listing the city
        ("75107", "HJ-PARIS-VILLE"),  # a residence listing Paris serves its arrondissements
        ("59350", "HJ-LILLE"),
    ],
)
def test_the_habitat_jeunes_of_the_commune_or_its_department_is_chosen(code_commune, expected):
    route = route_habitat_jeunes(code_commune, DIRECTORY)
    assert isinstance(route, Route)
    assert route.partner_type == "habitat_jeunes"
    assert route.partner_id == expected


@pytest.mark.parametrize(
    ("code_commune", "exclude", "reason"),
    [
        ("97101", frozenset(), "aucun_habitat_jeunes"),  # no entry for Guadeloupe
        ("59999", frozenset(), "aucun_habitat_jeunes"),  # residences elsewhere in the department
        ("59350", frozenset({"HJ-LILLE"}), "partenaire_exclu"),
        ("2B033", frozenset({"UDHAJ-2B"}), "partenaire_exclu"),
    ],
)
def test_no_habitat_jeunes_is_chosen_and_the_reason_is_given(code_commune, exclude, reason):
    result = route_habitat_jeunes(code_commune, DIRECTORY, exclude=exclude)
    assert isinstance(result, NoRoute)
    assert result.reason == reason


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        (frozenset({"HJ-LYON-A"}), "HJ-LYON-Z"),
        (frozenset({"HJ-LYON-A", "HJ-LYON-Z"}), "UDHAJ-69"),
    ],
)
def test_an_excluded_habitat_jeunes_passes_to_the_next_candidate(exclude, expected):
    route = route_habitat_jeunes("69383", DIRECTORY, exclude=exclude)
    assert isinstance(route, Route)
    assert route.partner_id == expected


def test_the_habitat_jeunes_choice_does_not_depend_on_the_directory_order():
    entries = [hj("HJ-B", "13", "13208"), hj("HJ-A", "13", "13208"), hj("HJ-C", "13", "13208")]
    for order in (entries, entries[::-1]):
        route = route_habitat_jeunes("13208", InMemoryDirectory(habitat_jeunes=order))
        assert isinstance(route, Route)
        assert route.partner_id == "HJ-A"


MOBILE, LANDLINE = "+33612345678", "+33320000000"


@pytest.mark.parametrize(
    ("canal", "email", "telephone", "mobile", "expected"),
    [
        ("email", "a@ml.example", None, False, "email"),
        ("sms", "a@ml.example", MOBILE, True, "sms"),
        ("SMS", "a@ml.example", MOBILE, True, "sms"),
        ("sms", "a@ml.example", LANDLINE, False, "email"),  # no mobile: email
        ("sms", "a@ml.example", None, False, "email"),
        ("email", None, MOBILE, True, "sms"),  # no email but a mobile: sms
        ("email", "", MOBILE, True, "sms"),
        ("email", None, LANDLINE, False, None),  # unreachable
        ("sms", None, None, False, None),
        ("fax", "a@ml.example", None, False, "email"),  # unknown channel: email
    ],
)
def test_the_channel_follows_the_partner_unless_it_cannot_work(
    canal, email, telephone, mobile, expected
):
    assert choose_channel(canal, email, telephone, mobile) == expected


def test_a_route_carries_the_channel_actually_usable():
    directory = InMemoryDirectory(
        missions_locales=[
            ml("ML-1", canal="sms", telephone=LANDLINE, telephone_mobile=False),
            ml("ML-2", email=None, telephone=MOBILE, telephone_mobile=True),
        ],
        coverage=[cov("59001", "ML-1"), cov("59002", "ML-2")],
    )
    assert route_mission_locale("59001", None, directory).canal == "email"
    assert route_mission_locale("59002", None, directory).canal == "sms"
    assert route_mission_locale("59100", None, DIRECTORY).canal == "sms"


def test_an_unreachable_mission_locale_gives_no_route():
    directory = InMemoryDirectory(
        missions_locales=[ml("ML-1", email=None, telephone=LANDLINE)],
        coverage=[cov("59001", "ML-1")],
    )
    result = route_mission_locale("59001", None, directory)
    assert isinstance(result, NoRoute)
    assert result.reason == "partenaire_injoignable"


def test_an_unreachable_habitat_jeunes_is_skipped_for_the_next_candidate():
    directory = InMemoryDirectory(
        habitat_jeunes=[hj("HJ-A", "59", "59350", email=None), hj("UDHAJ-59", "59")]
    )
    route = route_habitat_jeunes("59350", directory)
    assert isinstance(route, Route)
    assert route.partner_id == "UDHAJ-59"
    only = InMemoryDirectory(habitat_jeunes=[hj("HJ-A", "59", "59350", email=None)])
    assert route_habitat_jeunes("59350", only).reason == "partenaire_injoignable"


ROUTE = Route(
    partner_type="mission_locale",
    partner_id="ML-1",
    nom="ML 1",
    email="a@ml.example",
    telephone=MOBILE,
    telephone_mobile=True,
    canal="email",
)


@pytest.mark.parametrize(
    ("changes", "failed", "expected"),
    [
        ({}, "email", "sms"),
        ({}, "sms", "email"),
        ({"telephone_mobile": False, "telephone": LANDLINE}, "email", None),
        ({"telephone": None, "telephone_mobile": False}, "email", None),
        ({"email": None}, "sms", None),
        ({}, "courrier", None),
    ],
)
def test_the_fallback_channel_is_the_other_one_when_the_partner_has_it(changes, failed, expected):
    assert fallback_channel(dataclasses.replace(ROUTE, **changes), failed) == expected


@pytest.mark.parametrize(
    ("insee", "city"),
    [
        ("75101", "75056"),
        ("75120", "75056"),
        ("75121", None),
        ("69381", "69123"),
        ("69389", "69123"),
        ("69380", None),
        ("13201", "13055"),
        ("13216", "13055"),
        ("13217", None),
        ("75056", None),
        ("2A004", None),
        ("", None),
    ],
)
def test_only_paris_lyon_and_marseille_arrondissements_have_a_city(insee, city):
    assert city_of_arrondissement(insee) == city


def test_every_no_route_reason_has_a_french_label():
    assert set(REASONS) == set(REASON_LABELS)


# --- Paris, Lyon, Marseille given as a whole (SPEC §5.2; the UNML file lists arrondissements) ---
def _arrondissements(first: int, last: int, code_of) -> list[CoverageEntry]:
    return [cov(str(code), *code_of(code)) for code in range(first, last + 1)]


def test_paris_given_as_75056_reaches_the_mission_locale_of_every_arrondissement():
    # Given the real file's shape: Paris only as its twenty arrondissements, all with one ML
    directory = InMemoryDirectory(
        missions_locales=[ml("75000")],
        coverage=_arrondissements(75101, 75120, lambda code: ("75000",)),
    )
    # When a youth's commune is the city's own code
    route = route_mission_locale("75056", None, directory)
    # Then Paris's mission locale is chosen
    assert isinstance(route, Route) and route.partner_id == "75000"


def test_a_city_whose_arrondissements_differ_alerts_with_the_candidates():
    # Given Lyon's arrondissements split between two missions locales
    directory = InMemoryDirectory(
        missions_locales=[ml("69-LYON-NORD"), ml("69-LYON-SUD")],
        coverage=_arrondissements(
            69381, 69389, lambda code: ("69-LYON-NORD",) if code < 69385 else ("69-LYON-SUD",)
        ),
    )
    route = route_mission_locale("69123", None, directory)
    assert isinstance(route, NoRoute)
    assert route.reason == "commune_partagee"
    assert route.candidates == ("69-LYON-NORD", "69-LYON-SUD")
    assert "arrondissement" in route.message
    # and the arrondissement itself still routes
    routed = route_mission_locale("69386", None, directory)
    assert isinstance(routed, Route) and routed.partner_id == "69-LYON-SUD"


def test_a_city_with_an_arrondissement_missing_from_the_coverage_is_not_guessed():
    directory = InMemoryDirectory(
        missions_locales=[ml("13-MARSEILLE")],
        coverage=_arrondissements(13201, 13215, lambda code: ("13-MARSEILLE",)),
    )
    route = route_mission_locale("13055", None, directory)
    assert isinstance(route, NoRoute) and route.candidates == ("13-MARSEILLE",)


def test_a_shared_commune_lists_its_candidate_missions_locales():
    directory = InMemoryDirectory(
        missions_locales=[ml("A"), ml("B")], coverage=[cov("59599", "B", "A", shared=True)]
    )
    route = route_mission_locale("59599", None, directory)
    assert isinstance(route, NoRoute) and route.candidates == ("A", "B")

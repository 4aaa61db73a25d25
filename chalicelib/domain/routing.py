"""Which partner receives a referral (SPEC §5.2, §5.3, §6). Pure: codes and a directory view in.

Mission locale (ML):

* the roster's ``code_ml`` forces that ML when it exists in the directory (else ``ml_inconnue``),
  whatever the coverage says;
* otherwise the UNML coverage of the youth's ``code_commune`` decides: unknown commune →
  ``commune_inconnue``; a commune shared by several MLs (flag or several codes) →
  ``commune_partagee`` (the department must set ``code_ml``); its single code absent from the
  contacts → ``ml_inconnue``.

Habitat jeunes (HJ), among the entries of the commune's department (``geo.department_of_commune``):
a residence listing the commune wins over a departmental contact (empty ``communes``); among equals
the lowest id wins, so the choice is deterministic. None → ``aucun_habitat_jeunes``.

A youth given with the city's own code (75056, 69123, 13055: the UNML file has only the
arrondissements) goes to the mission locale covering every arrondissement; when they differ,
``commune_partagee`` with the candidate codes. ``NoRoute.candidates`` also lists a shared commune's
missions locales.

Arrondissements of Paris, Lyon and Marseille (75101–75120, 69381–69389, 13201–13216) are looked up
as themselves. Only when the coverage has no row for the arrondissement but has one for the city
(75056, 69123, 13055) does the ML routing use the city's row; likewise an HJ residence listing the
city serves its arrondissements, after residences listing the arrondissement itself.

``exclude`` holds the ids of partners that answered ``non_competent`` for this youth and kind: the
ML routing then answers ``partenaire_exclu`` (there is a single candidate); the HJ routing moves on
to the next candidate (residence, then departmental contact) and answers ``partenaire_exclu`` when
every candidate is excluded.

A partner with neither an email address nor a mobile phone cannot be reached:
``partenaire_injoignable`` (the HJ routing skips it for the next candidate).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from chalicelib.domain import geo
from chalicelib.domain.directory import CoverageEntry, HabitatJeunes, MissionLocale
from chalicelib.domain.enums import Channel, PartnerType

MISSION_LOCALE, HABITAT_JEUNES = PartnerType.MISSION_LOCALE, PartnerType.HABITAT_JEUNES
EMAIL, SMS = Channel.EMAIL, Channel.SMS

COMMUNE_INCONNUE = "commune_inconnue"
COMMUNE_PARTAGEE = "commune_partagee"
ML_INCONNUE = "ml_inconnue"
PARTENAIRE_EXCLU = "partenaire_exclu"
PARTENAIRE_INJOIGNABLE = "partenaire_injoignable"
AUCUN_HABITAT_JEUNES = "aucun_habitat_jeunes"
REASONS = (
    COMMUNE_INCONNUE,
    COMMUNE_PARTAGEE,
    ML_INCONNUE,
    PARTENAIRE_EXCLU,
    PARTENAIRE_INJOIGNABLE,
    AUCUN_HABITAT_JEUNES,
)

# arrondissement code range (inclusive) → city code
_ARRONDISSEMENTS = (
    (75101, 75120, "75056"),  # Paris
    (69381, 69389, "69123"),  # Lyon
    (13201, 13216, "13055"),  # Marseille
)
_CITY_ARRONDISSEMENTS = {
    city: tuple(str(code) for code in range(first, last + 1))
    for first, last, city in _ARRONDISSEMENTS
}


@dataclass(frozen=True)
class Route:
    partner_type: str  # PartnerType
    partner_id: str
    nom: str
    email: str | None
    telephone: str | None
    telephone_mobile: bool
    canal: str  # Channel: the one to use first


@dataclass(frozen=True)
class NoRoute:
    reason: str  # one of REASONS
    message: str  # French, without personal data
    candidates: tuple[str, ...] = ()  # UNML codes the department may choose from (code_ml)


class DirectoryView(Protocol):
    def coverage(self, insee: str) -> CoverageEntry | None: ...

    def mission_locale(self, code_ml: str) -> MissionLocale | None: ...

    def habitat_jeunes_of_department(self, department: str) -> Sequence[HabitatJeunes]: ...

    def commune_name(self, insee: str) -> str | None: ...


class InMemoryDirectory:
    """A ``DirectoryView`` over lists of entries (tests, demo data, dry runs)."""

    def __init__(
        self,
        missions_locales: Iterable[MissionLocale] = (),
        coverage: Iterable[CoverageEntry] = (),
        habitat_jeunes: Iterable[HabitatJeunes] = (),
    ) -> None:
        self._ml = {entry.code_ml: entry for entry in missions_locales}
        self._coverage = {entry.insee: entry for entry in coverage}
        self._hj: dict[str, list[HabitatJeunes]] = {}
        for entry in habitat_jeunes:
            self._hj.setdefault(entry.departement, []).append(entry)

    def coverage(self, insee: str) -> CoverageEntry | None:
        return self._coverage.get(insee)

    def mission_locale(self, code_ml: str) -> MissionLocale | None:
        return self._ml.get(code_ml)

    def habitat_jeunes_of_department(self, department: str) -> Sequence[HabitatJeunes]:
        return tuple(self._hj.get(department, ()))

    def commune_name(self, insee: str) -> str | None:
        entry = self._coverage.get(insee)
        return geo.commune_name(insee, entry.nom_commune if entry else None)


def city_of_arrondissement(insee: str) -> str | None:
    """``75115`` → ``75056``; None for a code that is not a Paris/Lyon/Marseille arrondissement."""
    if not insee.isdigit():
        return None
    number = int(insee)
    for first, last, city in _ARRONDISSEMENTS:
        if first <= number <= last:
            return city
    return None


def route_mission_locale(
    code_commune: str,
    code_ml: str | None,
    directory: DirectoryView,
    *,
    exclude: frozenset[str] = frozenset(),
) -> Route | NoRoute:
    """The mission locale for a youth living in ``code_commune`` (``code_ml`` forces one)."""
    forced = (code_ml or "").strip()
    if forced:
        return _mission_locale_route(forced, directory, exclude)
    commune = _normalise(code_commune)
    if not commune:
        return _commune_not_told()
    entry = _coverage_entry(commune, directory)
    if entry is None and commune in _CITY_ARRONDISSEMENTS:
        return _city_route(commune, directory, exclude)
    if entry is None or not entry.code_mls:
        return NoRoute(COMMUNE_INCONNUE, "commune absente de la couverture des missions locales")
    codes = tuple(dict.fromkeys(entry.code_mls))
    if entry.shared or len(codes) > 1:
        return NoRoute(
            COMMUNE_PARTAGEE,
            "commune partagée entre plusieurs missions locales : indiquez code_ml",
            tuple(sorted(codes)),
        )
    return _mission_locale_route(codes[0], directory, exclude)


def _city_route(city: str, directory: DirectoryView, exclude: frozenset[str]) -> Route | NoRoute:
    """Paris, Lyon or Marseille given as a whole (75056, 69123, 13055): the UNML file lists only
    arrondissements. One mission locale covering every arrondissement is the city's; otherwise
    the department chooses among the candidates (or gives the arrondissement)."""
    entries = [directory.coverage(code) for code in _CITY_ARRONDISSEMENTS[city]]
    found = [entry for entry in entries if entry is not None and entry.code_mls]
    codes = tuple(sorted({code for entry in found for code in entry.code_mls}))
    if not codes:
        return NoRoute(COMMUNE_INCONNUE, "commune absente de la couverture des missions locales")
    everywhere = len(found) == len(entries) and not any(entry.shared for entry in found)
    if everywhere and len(codes) == 1:
        return _mission_locale_route(codes[0], directory, exclude)
    return NoRoute(
        COMMUNE_PARTAGEE,
        "ville dont les arrondissements relèvent de plusieurs missions locales : indiquez "
        "l'arrondissement de résidence dans code_commune, ou code_ml",
        codes,
    )


def route_habitat_jeunes(
    code_commune: str,
    directory: DirectoryView,
    *,
    exclude: frozenset[str] = frozenset(),
) -> Route | NoRoute:
    """The habitat-jeunes residence (or departmental contact) for a youth of ``code_commune``."""
    commune = _normalise(code_commune)
    if not commune:
        return _commune_not_told()
    entries = sorted(
        directory.habitat_jeunes_of_department(geo.department_of_commune(commune)),
        key=lambda entry: entry.id,
    )
    if not entries:
        return NoRoute(AUCUN_HABITAT_JEUNES, "aucun habitat jeunes connu pour ce département")
    city = city_of_arrondissement(commune)
    tiers = [
        [entry for entry in entries if commune in entry.communes],
        [entry for entry in entries if city is not None and city in entry.communes],
        [entry for entry in entries if not entry.communes],
    ]
    candidates = list(dict.fromkeys(entry for tier in tiers for entry in tier))
    if not candidates:
        return NoRoute(
            AUCUN_HABITAT_JEUNES, "aucun habitat jeunes ne couvre cette commune ni le département"
        )
    allowed = [entry for entry in candidates if entry.id not in exclude]
    if not allowed:
        return NoRoute(
            PARTENAIRE_EXCLU, "tous les habitats jeunes compétents se sont déclarés non compétents"
        )
    for entry in allowed:
        route = _route(HABITAT_JEUNES, entry.id, entry)
        if route is not None:
            return route
    return _unreachable()


def choose_channel(
    canal: str, email: str | None, telephone: str | None, telephone_mobile: bool
) -> str | None:
    """The partner's channel, or the other one when it is impossible; None when neither works."""
    can_email = bool(email)
    can_sms = bool(telephone) and telephone_mobile
    preferred = SMS if (canal or "").strip().lower() == SMS else EMAIL
    if preferred == SMS and can_sms:
        return SMS
    if can_email:
        return EMAIL
    if can_sms:
        return SMS
    return None


def fallback_channel(route: Route, failed: str) -> str | None:
    """The other channel after ``failed`` did not deliver, if the partner has one (SPEC §6)."""
    if failed == EMAIL and route.telephone and route.telephone_mobile:
        return SMS
    if failed == SMS and route.email:
        return EMAIL
    return None


def _normalise(code_commune: str) -> str:
    return (code_commune or "").strip().upper()


def _coverage_entry(commune: str, directory: DirectoryView) -> CoverageEntry | None:
    entry = directory.coverage(commune)
    if entry is None:
        city = city_of_arrondissement(commune)
        if city is not None:
            entry = directory.coverage(city)
    return entry


def _mission_locale_route(
    code_ml: str, directory: DirectoryView, exclude: frozenset[str]
) -> Route | NoRoute:
    mission_locale = directory.mission_locale(code_ml)
    if mission_locale is None:
        return NoRoute(ML_INCONNUE, f"mission locale {code_ml} absente de l'annuaire")
    if mission_locale.code_ml in exclude:
        return NoRoute(
            PARTENAIRE_EXCLU,
            "la mission locale compétente s'est déclarée non compétente : indiquez code_ml",
        )
    route = _route(MISSION_LOCALE, mission_locale.code_ml, mission_locale)
    return route if route is not None else _unreachable()


def _route(
    partner_type: str, partner_id: str, partner: MissionLocale | HabitatJeunes
) -> Route | None:
    canal = choose_channel(
        partner.canal, partner.email, partner.telephone, partner.telephone_mobile
    )
    if canal is None:
        return None
    return Route(
        partner_type=partner_type,
        partner_id=partner_id,
        nom=partner.nom,
        email=partner.email or None,
        telephone=partner.telephone or None,
        telephone_mobile=bool(partner.telephone_mobile),
        canal=canal,
    )


def _commune_not_told() -> NoRoute:
    """A roster row whose commune name matched no commune or several (SPEC §5.1): kept without
    one; the department chooses the partner in the console."""
    return NoRoute(
        COMMUNE_INCONNUE,
        "commune de résidence non reconnue dans le fichier : choisissez la mission locale, ou "
        "indiquez le code INSEE dans le prochain fichier",
    )


def _unreachable() -> NoRoute:
    return NoRoute(
        PARTENAIRE_INJOIGNABLE, "le partenaire n'a ni adresse électronique ni téléphone mobile"
    )

"""French administrative geography, in one table: departments, overseas time zones, phone regions
and prefixes, overseas commune numbering. Pure data and lookups."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Territory:
    """What differs in an overseas department."""

    code: str  # department code (three digits)
    name: str
    timezone: str
    phone_region: str  # phonenumbers region used to read a national number
    calling_code: str  # international prefix
    phone_prefixes: tuple[str, ...]  # national prefixes (mobile and fixed) that belong to it
    communes: frozenset[int]  # commune numbers (the two digits after the department)


OVERSEAS: Mapping[str, Territory] = {
    t.code: t
    for t in (
        Territory(
            "971",
            "Guadeloupe",
            "America/Guadeloupe",
            "GP",
            "590",
            ("0690", "0691", "0590"),
            # 97123/97127: Saint-Barthélemy/Saint-Martin until 2007
            frozenset(set(range(1, 35)) - {23, 27}),
        ),
        Territory(
            "972",
            "Martinique",
            "America/Martinique",
            "MQ",
            "596",
            ("0696", "0697", "0596"),
            frozenset(range(1, 35)),
        ),
        Territory(
            "973",
            "Guyane",
            "America/Cayenne",
            "GF",
            "594",
            ("0694", "0594"),
            frozenset(set(range(1, 15)) | {52, 53, 56, 57, 58, 60, 61, 62}),
        ),
        Territory(
            "974",
            "La Réunion",
            "Indian/Reunion",
            "RE",
            "262",
            ("0692", "0693", "0262", "0263"),
            frozenset(range(1, 25)),
        ),
        Territory(
            "976",
            "Mayotte",
            "Indian/Mayotte",
            "YT",
            "262",  # not +269: that is the Comoros (Mayotte's code until 2007)
            ("0639", "0269"),
            frozenset(range(1, 18)),
        ),
    )
}
METROPOLITAN_TIMEZONE = "Europe/Paris"
METROPOLITAN_PHONE_REGION = "FR"

# national prefix → phonenumbers region, for numbers whose prefix says where they belong
PHONE_PREFIX_REGIONS: Mapping[str, str] = {
    prefix: territory.phone_region
    for territory in OVERSEAS.values()
    for prefix in territory.phone_prefixes
}
OVERSEAS_PHONE_REGIONS = tuple(dict.fromkeys(t.phone_region for t in OVERSEAS.values()))
OVERSEAS_CALLING_CODES = tuple(dict.fromkeys(t.calling_code for t in OVERSEAS.values()))

_DEPARTMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-46])$")


def is_department_code(code: str) -> bool:
    """``59``, ``2A``, ``974``: the 101 departments (20 is not one: Corsica is 2A/2B)."""
    return bool(_DEPARTMENT.match(code or "")) and code != "20"


def timezone_of(department: str) -> str:
    territory = OVERSEAS.get(department)
    return territory.timezone if territory else METROPOLITAN_TIMEZONE


def phone_region_of(department: str) -> str:
    territory = OVERSEAS.get(department)
    return territory.phone_region if territory else METROPOLITAN_PHONE_REGION


def overseas_communes(department: str) -> frozenset[int] | None:
    """Commune numbers of an overseas department; None for any other code."""
    territory = OVERSEAS.get(department)
    return territory.communes if territory else None


def department_of_commune(insee: str) -> str:
    """INSEE commune code → department code (2A/2B kept, overseas on three digits)."""
    code = (insee or "").upper()
    if code.startswith("97"):
        return code[:3]
    return code[:2]


# The cities the UNML coverage file lists only by arrondissement (SPEC §5.2): a youth given with
# the city's own code has no coverage row to take the name from
CITIES_BY_ARRONDISSEMENT = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}


def commune_name(insee: str, listed: str | None) -> str | None:
    """The name to show for a commune: the coverage file's (``listed``), else the city's."""
    return listed or CITIES_BY_ARRONDISSEMENT.get(insee)


# Communes with an INSEE code that are not in one of the 101 departments (SPEC §5.2)
OUTSIDE_DEPARTMENTS = {
    "975": "Saint-Pierre-et-Miquelon (975)",
    "977": "Saint-Barthélemy (977)",
    "978": "Saint-Martin (978)",
    "98": "collectivités du Pacifique (98x)",
}


def territory_outside_departments(insee: str) -> str | None:
    """``97701`` → ``"Saint-Barthélemy (977)"``; None for a department's commune (or garbage)."""
    code = "".join((insee or "").split())
    if len(code) != 5 or not code.isdigit():
        return None
    return OUTSIDE_DEPARTMENTS.get(code[:3]) or OUTSIDE_DEPARTMENTS.get(code[:2])


def departments_of_postal(postal: str) -> tuple[str, ...]:
    """The departments a postal code may belong to (Corsica's 20xxx: both 2A and 2B)."""
    if postal.startswith("97"):
        return (postal[:3],)
    if postal.startswith("20"):
        return ("2A", "2B")
    return (postal[:2],)

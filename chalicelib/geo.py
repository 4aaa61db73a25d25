"""French administrative geography: departments, time zones, phone regions. Pure."""

from __future__ import annotations

import re

OVERSEAS_TIMEZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
METROPOLITAN_TIMEZONE = "Europe/Paris"

# phonenumbers region used to read a national number written by a department's system
PHONE_REGIONS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}

_DEPARTMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-46])$")


def is_department_code(code: str) -> bool:
    """``59``, ``2A``, ``974``: the 101 departments (20 is not one: Corsica is 2A/2B)."""
    return bool(_DEPARTMENT.match(code or "")) and code != "20"


def timezone_of(department: str) -> str:
    return OVERSEAS_TIMEZONES.get(department, METROPOLITAN_TIMEZONE)


def phone_region_of(department: str) -> str:
    return PHONE_REGIONS.get(department, "FR")


def department_of_commune(insee: str) -> str:
    """INSEE commune code → department code (2A/2B kept, overseas on three digits)."""
    code = (insee or "").upper()
    if code.startswith("97"):
        return code[:3]
    return code[:2]


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

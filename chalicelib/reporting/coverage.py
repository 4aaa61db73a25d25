"""Coverage gaps (SPEC §4): the communes where a department's active youths live that have no
competent mission locale or no habitat-jeunes contact, with counts of youths and no names.

Routing is the scan's own (``routing.rules``) over the current directory version; a commune is
listed when at least one of its youths cannot be routed to a mission locale (its ``code_ml`` taken
into account) or when no habitat-jeunes contact serves it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.departments import service as departments
from chalicelib.domain.enums import YouthStatus
from chalicelib.domain.routing import (
    DirectoryView,
    NoRoute,
    city_of_arrondissement,
    route_habitat_jeunes,
    route_mission_locale,
)
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain
from chalicelib.store.directory import DirectorySnapshot

OK = "ok"


@dataclass
class CommuneGap:
    code_commune: str
    youths: int = 0
    ml_reasons: Counter = field(default_factory=Counter)

    def as_dict(self, directory: DirectoryView) -> dict | None:
        hj = route_habitat_jeunes(self.code_commune, directory)
        hj_status = hj.reason if isinstance(hj, NoRoute) else OK
        if not self.ml_reasons and hj_status == OK:
            return None
        return {
            "code_commune": self.code_commune,
            "nom_commune": commune_name(self.code_commune, directory),
            "youths": self.youths,
            "mission_locale": self.ml_reasons.most_common(1)[0][0] if self.ml_reasons else OK,
            "youths_without_mission_locale": sum(self.ml_reasons.values()),
            "habitat_jeunes": hj_status,
        }


def commune_name(insee: str, directory: DirectoryView) -> str | None:
    entry = directory.coverage(insee)
    if entry is None and city_of_arrondissement(insee):
        entry = directory.coverage(city_of_arrondissement(insee) or "")
    return entry.nom_commune if entry else directory.commune_name(insee)


def gaps(code: str, now: datetime, directory: DirectoryView | None = None) -> dict:
    departments.get(code)
    view = directory or DirectorySnapshot()
    communes: dict[str, CommuneGap] = {}
    for youth in youth_store.of_department(code, now, status=YouthStatus.ACTIVE):
        record = plain(youth.record) or {}
        commune = str(record.get("code_commune") or "")
        gap = communes.setdefault(commune, CommuneGap(commune))
        gap.youths += 1
        route = route_mission_locale(commune, record.get("code_ml"), view)
        if isinstance(route, NoRoute):
            gap.ml_reasons[route.reason] += 1
    listed = [communes[insee].as_dict(view) for insee in sorted(communes)]
    return {"department": code, "communes": [entry for entry in listed if entry]}

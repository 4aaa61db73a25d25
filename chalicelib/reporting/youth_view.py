"""The one read model of a youth and its referrals, for the console's pages and the API's
routes alike: the youth's line (name, majority, its referral state per kind, what needs the
department: "sans partenaire", "sans réponse", "à réorienter"). Pure: items in, views out.

"Sans réponse" means late (SPEC §4b v3): the partner was reminded and has not answered, not
merely awaited (``domain.youth_flags``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib import refs
from chalicelib.domain.enums import Kind, ReferralStatus, YouthStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.youth_flags import (
    PLACED_KINDS,
    flags_of,
    latest_by_kind,
    open_refusals,
)
from chalicelib.store.base import plain as plain  # re-exported: the pages read maps with it

WITHOUT_PARTNER, WITHOUT_ANSWER, TO_REROUTE = "sans_partenaire", "sans_reponse", "a_reorienter"
FLAG_LABELS = {
    WITHOUT_PARTNER: "Sans partenaire",
    WITHOUT_ANSWER: "Sans réponse",
    TO_REROUTE: "À réorienter",
}
STATUS_FILTERS: dict[str, str] = {
    YouthStatus.ACTIVE: "Suivis",
    YouthStatus.EXITED: "Sortis du fichier",
}
KIND_ORDER = (Kind.MISSION_LOCALE, Kind.ENTRETIEN, Kind.HABITAT_JEUNES)


@dataclass(frozen=True)
class YouthRow:
    ref: str
    id_externe: str
    prenom: str
    nom: str
    majority_date: date
    status: str
    states: Mapping[str, str]  # kind -> latest referral status
    blocked: Mapping[str, str]  # kind -> reason code
    flags: frozenset[str] = field(default_factory=frozenset)
    refusals: Mapping[str, str] = field(default_factory=dict)  # kind -> refused referral id

    @property
    def initial(self) -> str:
        return f"{self.nom[:1]}." if self.nom else ""


def placed_referral_ids(youth: Any) -> list[str]:
    """The mission-locale and habitat-jeunes referrals the youth's schedule names (the list
    reads these, at most two a youth; the interview is read from the schedule itself)."""
    schedule = Schedule.from_item(plain(youth.scheduled))
    return [schedule.placed[kind].referral_id for kind in PLACED_KINDS if kind in schedule.placed]


def row(youth: Any, referrals: Iterable[Any]) -> YouthRow:
    record = plain(youth.record) or {}
    schedule = Schedule.from_item(plain(youth.scheduled))
    blocked = {str(kind): state.reason for kind, state in schedule.blocked.items()}
    latest = latest_by_kind(referrals)
    states = {kind: referral.status for kind, referral in latest.items()}
    if schedule.invitation is not None and Kind.ENTRETIEN not in states:
        cancelled = schedule.invitation.cancelled
        states[Kind.ENTRETIEN] = ReferralStatus.CANCELLED if cancelled else ReferralStatus.SENT
    refusals = open_refusals(schedule, latest)
    found = flags_of(youth.status, schedule, latest.values())
    flags: set[str] = set()
    if found.blocked:
        flags.add(WITHOUT_PARTNER)
    if found.late:
        flags.add(WITHOUT_ANSWER)
    if found.refusals:
        flags.add(TO_REROUTE)
    return YouthRow(
        ref=refs.youth_ref(youth.department, youth.id_externe),
        id_externe=youth.id_externe,
        prenom=str(record.get("prenom") or ""),
        nom=str(record.get("nom") or ""),
        majority_date=date.fromisoformat(youth.majority_date),
        status=youth.status,
        states=states,
        blocked=blocked,
        flags=frozenset(flags),
        refusals=refusals,
    )

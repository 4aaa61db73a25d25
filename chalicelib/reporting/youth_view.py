"""The one read model of a youth and its referrals, for the console's pages and the API's
routes alike: the youth's line (name, majority, its referral state per kind, what needs the
department: "sans partenaire", "sans réponse", "à réorienter"). Pure: items in, views out.

"Sans réponse" means late (SPEC §4b v3): sent more than ``relance_jours`` ago and not answered,
not merely awaited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import refs
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.enums import Kind, YouthStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.store.base import plain as plain  # re-exported: the pages read maps with it

WITHOUT_PARTNER, WITHOUT_ANSWER, TO_REROUTE = "sans_partenaire", "sans_reponse", "a_reorienter"
FLAG_LABELS = {
    WITHOUT_PARTNER: "Sans partenaire",
    WITHOUT_ANSWER: "Sans réponse",
    TO_REROUTE: "À réorienter",
}
STATUS_FILTERS = {"active": "Suivis", "exited": "Sortis du fichier"}
WAITING = ("sent", "escalated")
REFUSED = ("declined", "redirected")
KIND_ORDER = ("mission_locale", "entretien", "habitat_jeunes")
PLACED_KINDS = (Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES)


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


def latest_by_kind(referrals: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for referral in referrals:
        previous = found.get(referral.kind)
        if previous is None or referral.created_at >= previous.created_at:
            found[referral.kind] = referral
    return found


def is_late(referral: Any, now: datetime, late_days: int) -> bool:
    """Sent more than ``late_days`` ago and still without an answer."""
    if referral.status not in WAITING or not referral.sent_at:
        return False
    return parse_iso(referral.sent_at) + timedelta(days=late_days) <= now


def open_refusals(schedule: Schedule, latest: Mapping[str, Any]) -> dict[str, str]:
    """Kinds whose latest referral was refused and that the department has not dealt with."""
    found = {}
    for kind in PLACED_KINDS:
        referral = latest.get(kind)
        seen = schedule.refusal_seen.get(kind)
        if referral is not None and referral.status in REFUSED and referral.referral_id != seen:
            found[str(kind)] = referral.referral_id
    return found


def row(youth: Any, referrals: Iterable[Any], *, now: datetime, late_days: int) -> YouthRow:
    record = plain(youth.record) or {}
    schedule = Schedule.from_item(plain(youth.scheduled))
    blocked = {str(kind): state.reason for kind, state in schedule.blocked.items()}
    latest = latest_by_kind(referrals)
    states = {kind: referral.status for kind, referral in latest.items()}
    if schedule.invitation is not None and Kind.ENTRETIEN not in states:
        states[Kind.ENTRETIEN] = "cancelled" if schedule.invitation.cancelled else "sent"
    refusals = open_refusals(schedule, latest)
    flags: set[str] = set()
    if youth.status == YouthStatus.ACTIVE:
        if blocked:
            flags.add(WITHOUT_PARTNER)
        if any(is_late(referral, now, late_days) for referral in latest.values()):
            flags.add(WITHOUT_ANSWER)
        if refusals:
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

"""What needs the department about one youth (SPEC §4b): "sans partenaire", "sans réponse",
"à réorienter". Pure: the youth's status and schedule and its referrals in (all of them: a
"non compétent" that nobody else could take is no longer placed, and is still to re-route), the
flags out. The console's row (``reporting.youth_view``) and the list's flag views
(``store.youth_flags``) both decide them here, so that a flagged row is a row of its view.

"Sans réponse" means late, not merely awaited (SPEC §4b v3): the partner has not answered and
was reminded, which the hourly follow-ups do ``relance_jours`` after the sending. Late is then a
state a transition writes (the reminder), not a moment each reader computes: the list keeps it
in an index and counts it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.enums import AWAITING_ANSWER, REFUSED, FollowupStage, Kind, YouthStatus
from chalicelib.domain.schedule import Schedule

PLACED_KINDS = (Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES)


@dataclass(frozen=True)
class YouthFlags:
    blocked: bool = False  # "sans partenaire": a kind waits for a partner
    late: bool = False  # "sans réponse": a partner reminded has still not answered
    refusals: Mapping[str, str] = field(default_factory=dict)  # "à réorienter": kind -> referral


def latest_by_kind(referrals: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for referral in referrals:
        previous = found.get(referral.kind)
        if previous is None or referral.created_at >= previous.created_at:
            found[referral.kind] = referral
    return found


def open_refusals(schedule: Schedule, latest: Mapping[str, Any]) -> dict[str, str]:
    """Kinds whose latest referral was refused and that the department has not dealt with."""
    found = {}
    for kind in PLACED_KINDS:
        referral = latest.get(kind)
        seen = schedule.refusal_seen.get(kind)
        if referral is not None and referral.status in REFUSED and referral.referral_id != seen:
            found[str(kind)] = referral.referral_id
    return found


def is_late(referral: Any) -> bool:
    """Sent, not answered, and past its reminder (the follow-up waits no more for the reminder:
    it went out, or the escalation did)."""
    return referral.status in AWAITING_ANSWER and referral.followup_stage != FollowupStage.REMINDER


def flags_of(status: str, schedule: Schedule, referrals: Iterable[Any]) -> YouthFlags:
    """Only a followed youth needs the department: an exited one has no flag."""
    if status != YouthStatus.ACTIVE:
        return YouthFlags()
    latest = latest_by_kind(referrals)
    return YouthFlags(
        blocked=bool(schedule.blocked),
        late=any(is_late(latest[kind]) for kind in PLACED_KINDS if kind in latest),
        refusals=open_refusals(schedule, latest),
    )

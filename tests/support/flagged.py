"""A department whose youths need it in every way the console's flag views list (SPEC §4b):
late answers (one kind, or both), refusals (open, seen, already re-routed), no partner; exited
youths with the same situations. Youths and referrals are written as the transitions leave them,
then each youth's flags are refreshed as every transition does (``store.youth_flags.refresh``).
Returns what each view must list, worked out here from the situations, not by the product."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.enums import Kind
from chalicelib.domain.schedule import Blocked, Placed, Schedule
from chalicelib.domain.scheduling import BLOCKED
from chalicelib.store import youth_flags
from chalicelib.store.models import Alert, Referral, Youth
from tests.support import big_department

ML, HJ = Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES
SENT_AT = "2026-01-05T09:00:00Z"
SITUATIONS = 8  # youth n lives situation n % 8 (see ``_situation``)


@dataclass
class Expected:
    """The file numbers each view lists, and each youth's majority month."""

    late: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    reroute: set[str] = field(default_factory=set)
    months: dict[str, str] = field(default_factory=dict)

    def of(self, view: str) -> set[str]:
        return {"sans_reponse": self.late, "sans_partenaire": self.blocked,
                "a_reorienter": self.reroute}[view]  # fmt: skip


def write(code: str, count: int, today: date, *, refreshed: bool = True) -> Expected:
    """``refreshed=False``: as a version without the flag views left them (no flag written)."""
    big_department.write_youths(code, count, today)
    expected = Expected()
    with Referral.batch_write() as referrals, Youth.batch_write() as youths:
        for youth in list(Youth.query(code)):
            n = int(youth.id_externe[1:])
            schedule = _situation(n % SITUATIONS, youth, referrals)
            youth.scheduled = schedule.to_item()
            youth.due_at = BLOCKED if schedule.blocked else None
            youths.save(youth)
            expected.months[youth.id_externe] = youth.majority_date[:7]
            if youth.status == "active":
                _expect(n % SITUATIONS, youth.id_externe, expected)
    if refreshed:
        for number in expected.months:
            youth_flags.refresh(code, number)
    return expected


def _expect(situation: int, number: str, expected: Expected) -> None:
    if situation in (1, 2, 7):
        expected.late.add(number)
    if situation == 4:
        expected.blocked.add(number)
    if situation == 5:
        expected.reroute.add(number)


def _situation(situation: int, youth: Youth, batch) -> Schedule:
    """0: nothing asked yet; 1: the mission locale reminded, no answer (late); 2: both kinds
    late; 3: sent, not yet reminded; 4: no partner; 5: refused, to re-route; 6: refused, the
    refusal kept; 7: "non compétent" already re-routed (a new referral pending) and habitat
    jeunes escalated (late)."""
    schedule = Schedule()

    def referral(kind: Kind, suffix: str, status: str, stage: str | None, day: int = 2) -> str:
        referral_id = f"{youth.department}-{youth.id_externe}-{suffix}"
        batch.save(
            Referral(
                referral_id,
                department=youth.department,
                id_externe=youth.id_externe,
                youth_key=f"{youth.department}#{youth.id_externe}",
                kind=kind,
                partner_type="ml" if kind == ML else "hj",
                partner_id=f"P-{suffix}",
                channel="email",
                status=status,
                created_at=f"2026-01-0{day}T08:00:00Z",
                sent_at=None if status == "pending" else SENT_AT,
                awaiting_since=SENT_AT if status in ("sent", "escalated") else None,
                followup_stage=stage,
            )
        )
        schedule.placed[kind] = Placed(referral_id, f"P-{suffix}")
        return referral_id

    if situation in (1, 2):
        referral(ML, "ml", "sent", "escalation")
    if situation == 2:
        referral(HJ, "hj", "sent", "escalation")
    if situation == 3:
        referral(ML, "ml", "sent", "reminder")
    if situation == 4:
        schedule.blocked[ML] = Blocked("no_coverage", "59350")
    if situation == 5:
        refused = referral(ML, "ml", "declined", "answered")
        Alert(youth.department, f"al-{youth.id_externe}", kind=AlertKind.REFUSED, state="open",
              id_externe=youth.id_externe, referral_id=refused, raised_at=SENT_AT,
              open_since=SENT_AT).save()  # fmt: skip
    if situation == 6:
        schedule.refusal_seen[ML] = referral(ML, "ml", "declined", "answered")
    if situation == 7:
        referral(ML, "ml", "redirected", None)
        referral(ML, "ml2", "pending", None, day=3)  # the re-routing placed a newer one
        referral(HJ, "hj", "escalated", None)
    return schedule

"""What needs the department about one youth (``domain.youth_flags``), decided without I/O."""

from __future__ import annotations

from types import SimpleNamespace

from chalicelib.domain.enums import Kind
from chalicelib.domain.schedule import Blocked, Schedule
from chalicelib.domain.youth_flags import flags_of


def referral(kind: str, status: str, stage: str | None, *, at: str = "2026-01-02", ref: str = "r"):
    return SimpleNamespace(
        kind=kind, status=status, followup_stage=stage, created_at=at, referral_id=ref
    )


def test_an_answer_awaited_is_late_only_once_the_partner_was_reminded():
    schedule = Schedule()
    assert not flags_of("active", schedule, [referral("mission_locale", "sent", "reminder")]).late
    assert flags_of("active", schedule, [referral("mission_locale", "sent", "escalation")]).late
    assert flags_of("active", schedule, [referral("habitat_jeunes", "escalated", None)]).late


def test_a_refusal_is_to_reroute_until_kept_or_followed_by_a_newer_referral():
    refused = referral("mission_locale", "declined", "answered", ref="old")
    assert flags_of("active", Schedule(), [refused]).refusals == {"mission_locale": "old"}
    kept = Schedule(refusal_seen={Kind.MISSION_LOCALE: "old"})
    assert not flags_of("active", kept, [refused]).refusals
    newer = referral("mission_locale", "pending", None, at="2026-01-03", ref="new")
    assert not flags_of("active", Schedule(), [refused, newer]).refusals


def test_an_exited_youth_needs_nothing_whatever_its_referrals_and_schedule():
    schedule = Schedule(blocked={Kind.HABITAT_JEUNES: Blocked("no_partner", "59350")})
    late = referral("mission_locale", "sent", "escalation")
    assert flags_of("active", schedule, [late]).blocked
    found = flags_of("exited", schedule, [late])
    assert not (found.blocked or found.late or found.refusals)

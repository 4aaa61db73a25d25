"""Follow-ups of sent referrals (SPEC §6): one reminder, one escalation, re-routing after
``non_competent``. Reads only referrals whose follow-up is due (``followup-index``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from chalicelib import runs
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.clock import iso, parse_iso
from chalicelib.domain.enums import Channel, FollowupStage, Kind, ReferralStatus, YouthStatus
from chalicelib.domain.labels import KIND_LABELS
from chalicelib.domain.routing import Route
from chalicelib.observability import emit
from chalicelib.referrals import alerts, factory
from chalicelib.scheduling import scan
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store import youths as youth_store
from chalicelib.store.departments import Department
from chalicelib.store.directory import DirectorySnapshot
from chalicelib.store.referrals import Referral

EXPECTED_STATUS = {
    FollowupStage.REMINDER: ReferralStatus.SENT,
    FollowupStage.ESCALATION: ReferralStatus.SENT,
    FollowupStage.REROUTE: ReferralStatus.REDIRECTED,
}


class FollowupsError(runs.JobItemsError):
    """Some follow-ups could not be done in this run (the next run takes them again)."""


def run(now: datetime) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for department in departments.all_departments():
        for referral in referral_store.followups_due(department.code, iso(now)):
            stage = referral.followup_stage or ""
            handler = HANDLERS.get(stage)
            if handler is None or referral.status != EXPECTED_STATUS[FollowupStage(stage)]:
                continue
            # The handler queues messages with deterministic ids and makes idempotent updates, so
            # it runs before the stage moves on: a failure half-way is completed by the next run.
            with runs.isolated(totals, "follow-up not done", referral_id=referral.referral_id):
                handler(department, referral, now)
                if _advance(referral, FollowupStage(stage), department, now):
                    totals[stage] += 1
    return runs.finish(totals, "follow-ups done", FollowupsError)


def _advance(
    referral: Referral, stage: FollowupStage, department: Department, now: datetime
) -> bool:
    """Move the follow-up to its next stage (conditional): each stage is recorded once."""
    next_at = None
    if stage == FollowupStage.REMINDER and referral.sent_at:
        escalation_at = parse_iso(referral.sent_at) + timedelta(days=int(department.escalade_jours))
        next_at = max(escalation_at, now)
    return referral_store.advance_followup(
        referral, stage, EXPECTED_STATUS[stage], now, next_at=next_at
    )


def partner_route(snapshot: dict) -> Route:
    partner = snapshot["partner"]
    return Route(
        partner_type=partner["type"],
        partner_id=partner["id"],
        nom=partner["nom"],
        email=partner.get("email"),
        telephone=partner.get("telephone"),
        telephone_mobile=bool(partner.get("telephone_mobile")),
        canal=partner.get("canal") or Channel.EMAIL,
    )


def remind(department: Department, referral: Referral, now: datetime) -> None:
    snapshot = referral.snapshot.as_dict()
    message = factory.partner_message(
        department,
        referral,
        partner_route(snapshot),
        snapshot,
        now,
        key="reminder",
        template="reminder",
        purpose="reminder",
        extra={
            "sent_on": (referral.sent_at or iso(now))[:10],
            "expires_on": (referral.token_expires_at or iso(now))[:10],
        },
    )
    if message_store.enqueue(message):
        emit("Reminders", 1, department=department.code)


def escalate(department: Department, referral: Referral, now: datetime) -> None:
    snapshot = referral.snapshot.as_dict()
    youth = snapshot["youth"]
    queued = message_store.enqueue(
        alerts.alert_message(
            department,
            "escalation",
            (referral.referral_id,),
            {
                "youth": alerts.youth_ref(youth),
                "id_externe": youth["id_externe"],
                "partner": snapshot["partner"],
                "kind": referral.kind,
                "referral": {
                    "kind": referral.kind,
                    "kind_label": KIND_LABELS[referral.kind],
                    "sent_on": (referral.sent_at or "")[:10],
                },
            },
            now,
            extra_recipients=[youth["referent"]["email"]],
            referral_id=referral.referral_id,
            youth_key=referral.youth_key,
            expires_at=referral.expires_at,
        )
    )
    if queued:
        emit("Escalations", 1, department=department.code)


def reroute(department: Department, referral: Referral, now: datetime) -> None:
    """The partner is not competent: exclude it and make the youth due again today."""
    snapshot = referral.snapshot.as_dict()
    youth_ref = snapshot["youth"]
    answer = referral.answer.as_dict() if referral.answer else {}
    message_store.enqueue(
        alerts.alert_message(
            department,
            "alert_redirected",
            (referral.referral_id,),
            {
                "youth": alerts.youth_ref(youth_ref),
                "id_externe": youth_ref["id_externe"],
                "partner": snapshot["partner"],
                "kind": referral.kind,
                "motif": answer.get("motif") or "",
                "commentaire": answer.get("commentaire") or "",
            },
            now,
            referral_id=referral.referral_id,
            youth_key=referral.youth_key,
            expires_at=referral.expires_at,
        )
    )
    youth = youth_store.get(department.code, referral.id_externe, now)
    if youth is None:
        return
    schedule = youth_store.schedule_of(youth)
    kind = Kind(referral.kind)
    schedule.exclude(kind, referral.partner_id)
    schedule.forget(kind, referral.referral_id)
    if youth.status != YouthStatus.ACTIVE:
        youth_store.replace_schedule(youth, schedule)
        return
    # Route again now (the next competent partner, or the no-partner alert) rather than at the
    # next daily scan: the dispatch that follows the follow-ups sends it in the same run.
    youth.scheduled = schedule.to_item()
    scan.process(
        department, youth, clock.local_today(department.code, now), now, DirectorySnapshot()
    )


HANDLERS = {
    FollowupStage.REMINDER: remind,
    FollowupStage.ESCALATION: escalate,
    FollowupStage.REROUTE: reroute,
}

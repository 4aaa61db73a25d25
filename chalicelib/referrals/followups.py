"""Follow-ups of referrals (SPEC §6): one reminder, one escalation, telling the department of an
answer (its digest), re-routing after ``non_competent``. Reads only referrals whose follow-up is
due (``followup-index``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from chalicelib import runs
from chalicelib.alerts import links, raising
from chalicelib.domain import clock, ids
from chalicelib.domain.alert_details import YouthMention
from chalicelib.domain.clock import iso, parse_iso
from chalicelib.domain.enums import Channel, FollowupStage, Kind, ReferralStatus, YouthStatus
from chalicelib.domain.labels import KIND_LABELS
from chalicelib.domain.routing import Route
from chalicelib.domain.stored import StoredDepartment, StoredReferral
from chalicelib.observability import emit
from chalicelib.pathway import content as pathway
from chalicelib.referrals import factory, scan, youth_message
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store import youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.directory import DirectorySnapshot

EXPECTED_STATUS: dict[FollowupStage, tuple[ReferralStatus, ...]] = {
    FollowupStage.REMINDER: (ReferralStatus.SENT,),
    FollowupStage.ESCALATION: (ReferralStatus.SENT,),
    FollowupStage.REROUTE: (ReferralStatus.REDIRECTED,),
    FollowupStage.ANSWERED: (ReferralStatus.ACKNOWLEDGED, ReferralStatus.DECLINED),
}


BATCH = 500  # due follow-ups per work item
# the list's flag views move with these stages (``store.youth_flags``): reminded, the answer is
# late; answered, it is not (a refusal: to re-route); re-routed, nothing left to re-route. The
# partner's answer itself stays at two requests: its flags follow at this job's next run.
CHANGES_FLAGS = (FollowupStage.REMINDER, FollowupStage.ANSWERED, FollowupStage.REROUTE)


def has_work(code: str, now: datetime) -> bool:
    """Is any follow-up of this department due? (one Query of at most one item)"""
    return referral_store.has_followups_due(code, iso(now))


def run_department(
    department: StoredDepartment,
    now: datetime,
    cursor: dict[str, Any] | None = None,
    limit: int = BATCH,
) -> tuple[Counter[str], dict[str, Any] | None]:
    """Do up to ``limit`` due follow-ups of one department, after ``cursor``. Returns the counts
    (``error``: follow-ups left for the next run) and the cursor of the next batch, if any."""
    totals: Counter[str] = Counter()
    due = referral_store.followups_batch(department.code, iso(now), limit, cursor)
    read = 0
    for referral in due:
        read += 1
        stage = FollowupStage(referral.followup_stage) if referral.followup_stage else None
        if stage is None or referral.status not in EXPECTED_STATUS[stage]:
            continue
        # The handler queues messages with deterministic ids and makes idempotent updates, so
        # it runs before the stage moves on: a failure half-way is completed by the next run.
        with runs.isolated(totals, "follow-up not done", referral_id=referral.referral_id):
            HANDLERS[stage](department, referral, now)
            if _advance(referral, stage, department, now):
                totals[stage] += 1
                if stage in CHANGES_FLAGS:
                    youth_flags.refresh(department.code, referral.id_externe)
    return totals, due.last_evaluated_key if read >= limit else None


def _advance(
    referral: StoredReferral, stage: FollowupStage, department: StoredDepartment, now: datetime
) -> bool:
    """Move the follow-up to its next stage (conditional): each stage is recorded once."""
    next_at = None
    if stage == FollowupStage.REMINDER and referral.sent_at:
        escalation_at = parse_iso(referral.sent_at) + timedelta(days=int(department.escalade_jours))
        next_at = max(escalation_at, now)
    return referral_store.advance_followup(
        referral, stage, EXPECTED_STATUS[stage], now, next_at=next_at
    )


def remind(department: StoredDepartment, referral: StoredReferral, now: datetime) -> None:
    view = referral.snapshot_view()
    message = factory.partner_message(
        department,
        referral,
        view.partner.route(),
        view,
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


def escalate(department: StoredDepartment, referral: StoredReferral, now: datetime) -> None:
    """No answer after ``escalade_jours``: the referent gets an email of its own; the department
    gets the escalation in its next digest (and on the console's alerts page)."""
    view = referral.snapshot_view()
    youth = view.youth
    if youth is None:  # an erased referral's copy: no follow-up is ever due on it
        return
    queued = message_store.enqueue(
        message_store.new(
            message_id=escalation_message_id(department.code, referral.referral_id),
            department=department.code,
            referral_id=referral.referral_id,
            youth_key=referral.youth_key,
            purpose="escalation",
            template="escalation",
            channel=Channel.EMAIL,
            recipients=[youth.referent.email or ""],
            context={
                "department": snapshot_department(department),
                "youth": YouthMention.of_youth(youth).to_item(),
                "id_externe": youth.id_externe,
                "partner": view.partner.to_item(),
                "kind": referral.kind,
                "referral": {
                    "kind": referral.kind,
                    "kind_label": KIND_LABELS[referral.kind],
                    "sent_on": (referral.sent_at or "")[:10],
                },
                "console_url": links.alert_url(raising.escalation_alert_id(referral)),
            },
            now=now,
            expires_at=referral.expires_at,
        )
    )
    raising.escalated(referral, now)
    if queued:
        emit("Escalations", 1, department=department.code)


def escalation_message_id(department: str, referral_id: str) -> str:
    return ids.message_id("alert", "escalation", department, referral_id)


def acknowledge(department: StoredDepartment, referral: StoredReferral, now: datetime) -> None:
    """A partner answered ``accepte`` or ``refuse``: the department hears it in its digest, an
    acceptance counts the part the partner takes on as in progress (weekly risk digest), and the
    youth is told (or, after a refusal, not: ``youth_message``)."""
    raising.answered(referral, now)
    youth_message.on_answer(department, referral, now)
    accepted = referral.status == ReferralStatus.ACKNOWLEDGED
    event = pathway.answer_event(referral.kind, accepted, iso(now))
    if event is not None:
        youth_store.note(department.code, referral.id_externe, event)


def reroute(department: StoredDepartment, referral: StoredReferral, now: datetime) -> None:
    """The partner is not competent: exclude it, route again now, and tell the department
    (in its digest) where the youth went, or that nobody else is competent."""
    youth = youth_store.get(department.code, referral.id_externe, now)
    if youth is None:
        raising.answered(referral, now)
        return
    schedule = youth_store.schedule_of(youth)
    kind = Kind(referral.kind)
    schedule.exclude(kind, referral.partner_id)
    schedule.forget(kind, referral.referral_id)
    if youth.status != YouthStatus.ACTIVE:
        youth_store.replace_schedule(youth, schedule)
        raising.answered(referral, now)
        return
    # Route again now (the next competent partner, or the no-partner alert) rather than at the
    # next daily scan: the dispatch that follows the follow-ups sends it in the same run.
    directory = DirectorySnapshot()
    route = scan.route_for(kind, youth_store.record_of(youth), schedule, directory)
    raising.answered(referral, now, rerouted_to=route.nom if isinstance(route, Route) else None)
    today = clock.local_today(department.code, now)
    scan.process(department, youth, today, now, directory, schedule=schedule)


def snapshot_department(department: StoredDepartment) -> dict[str, Any]:
    return {
        "code": department.code,
        "name": department.name,
        "contact_email": department.contact_email,
        "contact_phone": department.contact_phone,
    }


HANDLERS = {
    FollowupStage.REMINDER: remind,
    FollowupStage.ESCALATION: escalate,
    FollowupStage.REROUTE: reroute,
    FollowupStage.ANSWERED: acknowledge,
}

"""Follow-ups of sent referrals (SPEC §6): one reminder, one escalation, re-routing after
``non_competent``. Reads only referrals whose follow-up is due (``followup-index``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib import clock, runs
from chalicelib.alerts import links, raising
from chalicelib.directory.store import DirectorySnapshot
from chalicelib.messages.labels import KIND_LABELS
from chalicelib.observability import emit
from chalicelib.pathway import content as pathway
from chalicelib.referrals import factory, ids, lifecycle
from chalicelib.roster.record import YouthRecord
from chalicelib.routing.rules import Route
from chalicelib.scheduling import scan
from chalicelib.store.base import is_expired, iso, parse_iso
from chalicelib.store.models import Department, Referral, Youth

EXPECTED_STATUS = {
    "reminder": ("sent",),
    "escalation": ("sent",),
    "reroute": ("redirected",),
    "answered": ("acknowledged", "declined"),
}


BATCH = 500  # due follow-ups per work item


def has_work(code: str, now: datetime) -> bool:
    """Is any follow-up of this department due? (one Query of at most one item)"""
    return any(Referral.followup_index.query(code, Referral.followup_at <= iso(now), limit=1))


def run_department(
    department: Department, now: datetime, cursor: dict | None = None, limit: int = BATCH
) -> tuple[Counter, dict | None]:
    """Do up to ``limit`` due follow-ups of one department, after ``cursor``. Returns the counts
    (``error``: follow-ups left for the next run) and the cursor of the next batch, if any."""
    totals: Counter = Counter()
    due = Referral.followup_index.query(
        department.code, Referral.followup_at <= iso(now), limit=limit, last_evaluated_key=cursor
    )
    read = 0
    for referral in due:
        read += 1
        stage = referral.followup_stage or ""
        handler = HANDLERS.get(stage)
        if handler is None or referral.status not in EXPECTED_STATUS[stage]:
            continue
        # The handler queues messages with deterministic ids and makes idempotent updates, so
        # it runs before the stage moves on: a failure half-way is completed by the next run.
        with runs.isolated(totals, "follow-up not done", referral_id=referral.referral_id):
            handler(department, referral, now)
            if _advance(referral, stage, department, now):
                totals[stage] += 1
    return totals, due.last_evaluated_key if read >= limit else None


def _advance(referral: Referral, stage: str, department: Department, now: datetime) -> bool:
    """Move the follow-up to its next stage (conditional): each stage is recorded once."""
    noted = "escalated" if stage == "escalation" else stage  # a status change is kept as such
    actions: list = []
    if stage != "answered":  # the answer itself is already in the history
        actions.append(Referral.history.set(Referral.history.append([lifecycle.entry(noted, now)])))
    expected_status = EXPECTED_STATUS[stage]
    if stage == "reminder" and referral.sent_at:
        escalation_at = parse_iso(referral.sent_at) + timedelta(days=int(department.escalade_jours))
        actions += [
            Referral.followup_at.set(iso(max(escalation_at, now))),
            Referral.followup_stage.set("escalation"),
        ]
    else:
        actions += [Referral.followup_at.remove(), Referral.followup_stage.remove()]
    if stage == "escalation":
        actions.append(Referral.status.set("escalated"))
    try:
        referral.update(
            actions=actions,
            # the follow-up handled, not a newer one (a partner changing its answer meanwhile)
            condition=(Referral.followup_stage == stage)
            & (Referral.followup_at == referral.followup_at)
            & Referral.status.is_in(*expected_status),
        )
    except UpdateError as error:
        if lifecycle.is_condition_failure(error):
            return False
        raise
    return True


def partner_route(snapshot: dict) -> Route:
    partner = snapshot["partner"]
    return Route(
        partner_type=partner["type"],
        partner_id=partner["id"],
        nom=partner["nom"],
        email=partner.get("email"),
        telephone=partner.get("telephone"),
        telephone_mobile=bool(partner.get("telephone_mobile")),
        canal=partner.get("canal") or "email",
    )


def remind(department: Department, referral: Referral, now: datetime) -> None:
    snapshot = referral.snapshot.as_dict()
    message = factory.partner_message(
        department,
        referral.referral_id,
        referral.kind,
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
    if lifecycle.enqueue(message):
        emit("Reminders", 1, department=department.code)


def escalate(department: Department, referral: Referral, now: datetime) -> None:
    """No answer after ``escalade_jours``: the referent gets an email of its own; the department
    gets the escalation in its next digest (and on the console's alerts page)."""
    snapshot = referral.snapshot.as_dict()
    youth = snapshot["youth"]
    queued = lifecycle.enqueue(
        lifecycle.new_message(
            message_id=escalation_message_id(department.code, referral.referral_id),
            department=department.code,
            referral_id=referral.referral_id,
            purpose="escalation",
            template="escalation",
            channel="email",
            recipients=[youth["referent"]["email"]],
            context={
                "department": snapshot_department(department),
                "youth": raising.youth_details(youth),
                "id_externe": youth["id_externe"],
                "partner": snapshot["partner"],
                "kind": referral.kind,
                "referral": {
                    "kind": referral.kind,
                    "kind_label": KIND_LABELS[referral.kind],
                    "sent_on": (referral.sent_at or "")[:10],
                },
                "console_url": links.alert_url(raising.escalation_alert_id(referral)),
            },
            now=now,
        )
    )
    raising.escalated(referral, now)
    if queued:
        emit("Escalations", 1, department=department.code)


def escalation_message_id(department: str, referral_id: str) -> str:
    return ids.message_id("alert", "escalation", department, referral_id)


def acknowledge(department: Department, referral: Referral, now: datetime) -> None:
    """A partner answered ``accepte`` or ``refuse``: the department hears it in its digest, and
    an acceptance counts the part the partner takes on as in progress (weekly risk digest)."""
    raising.answered(referral, now)
    event = pathway.answer_event(referral.kind, referral.status == "acknowledged", iso(now))
    if event is None:
        return
    try:
        Youth(department.code, referral.id_externe).update(
            actions=[Youth.history.set(Youth.history.append([event]))],
            condition=Youth.id_externe.exists(),
        )
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):  # an erased youth has nothing to update
            raise


def reroute(department: Department, referral: Referral, now: datetime) -> None:
    """The partner is not competent: exclude it, route again now, and tell the department
    (in its digest) where the youth went, or that nobody else is competent."""
    try:
        youth = Youth.get(department.code, referral.id_externe)
    except Youth.DoesNotExist:
        raising.answered(referral, now)
        return
    scheduled = youth.scheduled.as_dict() if youth.scheduled else {}
    excluded = scheduled.setdefault("excluded", {})
    excluded[referral.kind] = sorted({*excluded.get(referral.kind, []), referral.partner_id})
    if (scheduled.get(referral.kind) or {}).get("referral_id") == referral.referral_id:
        scheduled.pop(referral.kind)
    if youth.status != "active" or is_expired(youth.expires_at, now):
        youth.update(actions=[Youth.scheduled.set(scheduled)])
        raising.answered(referral, now)
        return
    # Route again now (the next competent partner, or the no-partner alert) rather than at the
    # next daily scan: the dispatch that follows the follow-ups sends it in the same run.
    directory = DirectorySnapshot()
    record = YouthRecord.from_attributes(youth.record.as_dict())
    route = scan.route_for(referral.kind, record, scheduled, directory)
    raising.answered(referral, now, rerouted_to=route.nom if isinstance(route, Route) else None)
    youth.scheduled = scheduled
    scan.process(department, youth, clock.local_today(department.code, now), now, directory)


def snapshot_department(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "contact_email": department.contact_email,
        "contact_phone": department.contact_phone,
    }


HANDLERS = {"reminder": remind, "escalation": escalate, "reroute": reroute, "answered": acknowledge}

"""The daily scan: create every referral that is due, exactly once (SPEC §6, §10).

Reads only due youths (``due-index``: ``due_at <= today``, in each department's local date).
Every step is idempotent (deterministic ids, conditional writes), so a youth whose processing failed
half-way is simply processed again by the next run; one youth's failure never stops the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib import runs
from chalicelib.alerts import raising
from chalicelib.domain import clock, geo, scheduling
from chalicelib.domain.enums import Kind, YouthStatus
from chalicelib.domain.routing import NoRoute, Route, route_habitat_jeunes, route_mission_locale
from chalicelib.domain.schedule import Placed, Schedule
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredDepartment, StoredYouth
from chalicelib.domain.youth import YouthRecord
from chalicelib.observability import emit, logger
from chalicelib.referrals import factory, invitations, snapshot
from chalicelib.store import youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.base import live
from chalicelib.store.directory import DirectorySnapshot

BATCH = 300  # due youths per work item: about 6 DynamoDB requests each, well under 5,000


def has_work(code: str, now: datetime) -> bool:
    """Is any youth of this department due? (one Query of at most one item)"""
    return youth_store.has_due(code, clock.local_today(code, now))


def run_department(
    department: StoredDepartment,
    now: datetime,
    cursor: dict[str, Any] | None = None,
    limit: int = BATCH,
) -> tuple[Counter[str], dict[str, Any] | None]:
    """Process up to ``limit`` due youths of one department, after ``cursor``. Returns the counts
    (``error``: youths left due for the next run) and the cursor of the next batch, if any."""
    directory = DirectorySnapshot()
    totals: Counter[str] = Counter()
    today = clock.local_today(department.code, now)
    due = youth_store.due_batch(department.code, today, limit, cursor)
    for youth in due:
        totals["youths_read"] += 1
        if youth.status != YouthStatus.ACTIVE or not live(youth, now):
            continue
        with runs.isolated(totals, "youth not processed", department=department.code):
            totals.update(process(department, youth, today, now, directory))
    return totals, due.last_evaluated_key if totals["youths_read"] >= limit else None


@dataclass
class _Pass:
    """One youth's pass through the scan: what it reads once, what it changes."""

    department: StoredDepartment
    youth: StoredYouth
    record: YouthRecord
    schedule: Schedule
    directory: DirectorySnapshot
    now: datetime
    counts: Counter[str] = field(default_factory=Counter)
    together: bool = False  # a new invitation rides in today's mission-locale referral
    riding: dict[str, Any] | None = None


def process(
    department: StoredDepartment,
    youth: StoredYouth,
    today: date,
    now: datetime,
    directory: DirectorySnapshot,
    *,
    schedule: Schedule | None = None,
) -> Counter[str]:
    """Create what is due for this youth, then store its schedule and next due date.
    ``schedule``: the one to start from when the caller changed it (default: the youth's)."""
    record = youth_store.record_of(youth)
    schedule = schedule or youth_store.schedule_of(youth)
    step = _Pass(department, youth, record, schedule, directory, now)
    policy = scheduling.Policy(int(department.ml_lead_days), int(department.hj_lead_days))
    version = directory.version()
    due = [a for a in scheduling.actions(record, step.schedule, policy, today, directory=version)]
    step.together = rides_together([a for a in due if a.due <= today], step.schedule)
    for action in sorted(due, key=lambda a: step.together and a.kind != Kind.ENTRETIEN):
        if action.due <= today:
            _take(step, action, version)
    due_at = scheduling.next_due(record, step.schedule, policy, today, directory=version)
    if not youth_store.save_schedule(youth, step.schedule, due_at):
        logger.info("youth changed during scan; next scan completes it")
    else:
        youth_flags.follow_schedule(youth)
    return step.counts


def _take(step: _Pass, action: scheduling.Action, version: str | None) -> None:
    route = route_for(action.kind, step.record, step.schedule, step.directory)
    if isinstance(route, NoRoute):
        _no_partner(step, action.kind, route, version)
        return
    if step.schedule.unblock(action.kind):
        raising.routed(step.department.code, step.record.id_externe, action.kind, step.now)
    view = _view(step, action.kind, route)
    if action.kind == Kind.ENTRETIEN:
        _invite(step, action, route, view)
        return
    carried = step.riding if action.kind == Kind.MISSION_LOCALE else None
    referral_id, created = factory.open_referral(
        step.department,
        step.youth,
        action.kind,
        route,
        view,
        step.now,
        generation=step.schedule.generation,
        extra_context={"invitation": carried} if carried else None,
    )
    step.schedule.placed[action.kind] = Placed(referral_id, route.partner_id)
    if created:
        emit("ReferralsCreated", 1, department=step.department.code)
        step.counts["referrals_created"] += 1


def _no_partner(step: _Pass, kind: Kind, route: NoRoute, version: str | None) -> None:
    """No competent partner: the department is alerted, the kind waits for a directory change."""
    raising.no_partner(
        step.department.code,
        step.record,
        kind,
        route,
        step.now,
        step.directory,
        expires_at=step.youth.expires_at,
    )
    inputs = scheduling.routing_inputs(step.record, kind)
    step.schedule.block(kind, route.reason, inputs, version)
    emit("NoPartnerFound", 1, department=step.department.code)
    step.counts["no_partner"] += 1


def _invite(step: _Pass, action: scheduling.Action, route: Route, view: Snapshot) -> None:
    rides = step.together and bool(route.email)  # an .ics rides only in an email
    step.schedule.invitation = invitations.schedule(
        step.department,
        step.youth,
        route,
        view,
        step.schedule.invitation,
        action.operation,
        step.now,
        fingerprint=scheduling.entretien_fingerprint(step.record),
        generation=step.schedule.generation,
        held=rides,
    )
    if rides and step.schedule.invitation is not None:
        step.riding = invitations.riding(step.schedule.invitation)
    step.counts[f"entretien_{action.operation}"] += 1


def rides_together(due_today: list[scheduling.Action], schedule: Schedule) -> bool:
    """A new interview invitation and the mission-locale referral both going out today go to
    the same mission locale in ONE email (SPEC §7: one message per partner per youth per day)."""
    kinds = {action.kind: action for action in due_today}
    invitation = kinds.get(Kind.ENTRETIEN)
    return (
        Kind.MISSION_LOCALE in kinds
        and invitation is not None
        and invitation.operation == "create"
        and schedule.invitation is None
    )


def _view(step: _Pass, kind: Kind, route: Route) -> Snapshot:
    commune = step.directory.coverage(step.record.code_commune)
    return snapshot.build(
        step.record,
        department=snapshot.department_view(step.department),
        partner=snapshot.partner_view(route),
        kind=kind,
        commune_nom=commune.nom_commune
        if commune
        else step.directory.commune_name(step.record.code_commune),
    )


def route_for(
    kind: Kind, record: YouthRecord, schedule: Schedule, directory: DirectorySnapshot
) -> Route | NoRoute:
    if kind == Kind.HABITAT_JEUNES:
        excluded = schedule.excluded_for(kind)
        chosen = schedule.chosen.get(kind)  # the department's choice in the console
        if chosen:
            department = geo.department_of_commune(record.code_commune)
            others = directory.habitat_jeunes_of_department(department)
            excluded = excluded | {entry.id for entry in others if entry.id != chosen}
        return route_habitat_jeunes(record.code_commune, directory, exclude=excluded)
    # an interview goes to the youth's mission locale: one not competent for either is excluded
    excluded = schedule.excluded_for(kind, Kind.MISSION_LOCALE)
    # the department's choice in the console stands in for the roster's code_ml
    code_ml = record.code_ml or schedule.chosen.get(Kind.MISSION_LOCALE)
    return route_mission_locale(record.code_commune, code_ml, directory, exclude=excluded)

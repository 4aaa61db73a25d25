"""The daily scan: create every referral that is due, exactly once (SPEC §6, §10).

Reads only due youths (``due-index``: ``due_at <= today``, in each department's local date).
Every step is idempotent (deterministic ids, conditional writes), so a youth whose processing failed
half-way is simply processed again by the next run; one youth's failure never stops the others.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from pynamodb.exceptions import UpdateError

from chalicelib import runs
from chalicelib.departments import service as departments
from chalicelib.directory.store import DirectorySnapshot
from chalicelib.domain import clock, scheduling
from chalicelib.domain.enums import Kind, YouthStatus
from chalicelib.domain.schedule import Placed, Schedule
from chalicelib.domain.youth import YouthRecord
from chalicelib.observability import emit, logger
from chalicelib.referrals import alerts, factory, invitations, lifecycle, snapshot
from chalicelib.routing.rules import NoRoute, Route, route_habitat_jeunes, route_mission_locale
from chalicelib.store.base import is_expired
from chalicelib.store.models import Department, Youth


class ScanError(runs.JobItemsError):
    """Some due youths could not be processed in this run (the next run takes them again)."""


def run(now: datetime) -> dict:
    directory = DirectorySnapshot()
    totals: Counter = Counter()
    for department in departments.all_departments():
        today = clock.local_today(department.code, now)
        for youth in Youth.due_index.query(department.code, Youth.due_at <= today.isoformat()):
            totals["youths_read"] += 1
            if youth.status != YouthStatus.ACTIVE or is_expired(youth.expires_at, now):
                continue
            with runs.isolated(totals, "youth not processed", department=department.code):
                totals.update(process(department, youth, today, now, directory))
    return runs.finish(totals, "daily scan done", ScanError)


def process(
    department: Department, youth: Youth, today: date, now: datetime, directory: DirectorySnapshot
) -> Counter:
    record = YouthRecord.from_attributes(youth.record.as_dict())
    schedule = youth.schedule()
    policy = scheduling.Policy(int(department.ml_lead_days), int(department.hj_lead_days))
    counts: Counter = Counter()
    version = directory.version()
    for action in scheduling.actions(record, schedule, policy, today, directory=version):
        if action.due > today:
            continue
        route = _route(action.kind, record, schedule, directory)
        if isinstance(route, NoRoute):
            alerts.no_partner(department, record, action.kind, route, now)
            inputs = scheduling.routing_inputs(record, action.kind)
            schedule.block(action.kind, route.reason, inputs, version)
            emit("NoPartnerFound", 1, department=department.code)
            counts["no_partner"] += 1
            continue
        schedule.unblock(action.kind)
        commune = directory.coverage(record.code_commune)
        view = snapshot.build(
            record,
            department=snapshot.department_view(department),
            partner=snapshot.partner_view(route),
            kind=action.kind,
            commune_nom=commune.nom_commune if commune else None,
        )
        if action.kind == scheduling.ENTRETIEN:
            schedule.invitation = invitations.schedule(
                department,
                youth,
                route,
                view,
                schedule.invitation,
                action.operation,
                now,
                fingerprint=scheduling.entretien_fingerprint(record),
            )
            counts[f"entretien_{action.operation}"] += 1
            continue
        referral_id, created = factory.open_referral(
            department, youth, action.kind, route, view, now
        )
        schedule.placed[action.kind] = Placed(referral_id, route.partner_id)
        if created:
            emit("ReferralsCreated", 1, department=department.code)
            counts["referrals_created"] += 1
    due_at = scheduling.next_due(record, schedule, policy, today, directory=version)
    _save_schedule(youth, schedule, due_at)
    return counts


def _route(
    kind: Kind, record: YouthRecord, schedule: Schedule, directory: DirectorySnapshot
) -> Route | NoRoute:
    if kind == Kind.HABITAT_JEUNES:
        excluded = schedule.excluded_for(kind)
        return route_habitat_jeunes(record.code_commune, directory, exclude=excluded)
    # an interview goes to the youth's mission locale: one not competent for either is excluded
    excluded = schedule.excluded_for(kind, Kind.MISSION_LOCALE)
    return route_mission_locale(record.code_commune, record.code_ml, directory, exclude=excluded)


def _save_schedule(youth: Youth, schedule: Schedule, due_at: str | None) -> None:
    actions = [Youth.scheduled.set(schedule.to_item())]
    actions.append(Youth.due_at.set(due_at) if due_at else Youth.due_at.remove())
    try:
        youth.update(actions=actions, condition=Youth.fingerprint == youth.fingerprint)
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):
            raise
        logger.info("youth changed during scan; next scan completes it")

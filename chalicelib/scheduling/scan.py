"""The daily scan: create every referral that is due, exactly once (SPEC §6, §10).

Reads only due youths (``due-index``: ``due_at <= today``, in each department's local date).
Every step is idempotent (deterministic ids, conditional writes), so a youth whose processing failed
half-way is simply processed again by the next run; one youth's failure never stops the others.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from pynamodb.exceptions import UpdateError

from chalicelib import clock, runs
from chalicelib.alerts import raising
from chalicelib.directory.store import DirectorySnapshot
from chalicelib.observability import emit, logger
from chalicelib.referrals import factory, invitations, lifecycle, snapshot
from chalicelib.roster.record import YouthRecord
from chalicelib.routing.rules import NoRoute, Route, route_habitat_jeunes, route_mission_locale
from chalicelib.scheduling import rules
from chalicelib.store.base import is_expired
from chalicelib.store.models import Department, Youth

BATCH = 300  # due youths per work item: about 6 DynamoDB requests each, well under 5,000


def has_work(code: str, now: datetime) -> bool:
    """Is any youth of this department due? (one Query of at most one item)"""
    today = clock.local_today(code, now)
    return any(Youth.due_index.query(code, Youth.due_at <= today.isoformat(), limit=1))


def run_department(
    department: Department, now: datetime, cursor: dict | None = None, limit: int = BATCH
) -> tuple[Counter, dict | None]:
    """Process up to ``limit`` due youths of one department, after ``cursor``. Returns the counts
    (``error``: youths left due for the next run) and the cursor of the next batch, if any."""
    directory = DirectorySnapshot()
    totals: Counter = Counter()
    today = clock.local_today(department.code, now)
    due = Youth.due_index.query(
        department.code,
        Youth.due_at <= today.isoformat(),
        limit=limit,
        last_evaluated_key=cursor,
    )
    for youth in due:
        totals["youths_read"] += 1
        if youth.status != "active" or is_expired(youth.expires_at, now):
            continue
        with runs.isolated(totals, "youth not processed", department=department.code):
            totals.update(process(department, youth, today, now, directory))
    return totals, due.last_evaluated_key if totals["youths_read"] >= limit else None


def process(
    department: Department, youth: Youth, today: date, now: datetime, directory: DirectorySnapshot
) -> Counter:
    record = YouthRecord.from_attributes(youth.record.as_dict())
    scheduled = youth.scheduled.as_dict() if youth.scheduled else {}
    policy = rules.Policy(int(department.ml_lead_days), int(department.hj_lead_days))
    counts: Counter = Counter()
    version = directory.version()
    due = rules.actions(record, scheduled, policy, today, directory=version)
    together = rides_together([a for a in due if a.due <= today], scheduled)
    riding: dict | None = None
    for action in sorted(due, key=lambda a: together and a.kind != rules.ENTRETIEN):
        if action.due > today:
            continue
        route = route_for(action.kind, record, scheduled, directory)
        if isinstance(route, NoRoute):
            _block(department, youth, record, action.kind, route, scheduled, now, directory)
            counts["no_partner"] += 1
            continue
        if (scheduled.get("blocked") or {}).pop(action.kind, None) is not None:
            raising.routed(department.code, record.id_externe, action.kind, now)
        view = _view(department, record, route, action.kind, directory)
        if action.kind == rules.ENTRETIEN:
            rides = together and bool(route.email)  # an .ics rides only in an email
            state = invitations.schedule(
                department, youth, route, view, scheduled.get(action.kind), action.operation, now,
                fingerprint=rules.entretien_fingerprint(record), held=rides,
            )  # fmt: skip
            scheduled[action.kind] = state
            riding = invitations.riding(state) if rides else None
            counts[f"entretien_{action.operation}"] += 1
            continue
        extra = {"invitation": riding} if riding and action.kind == rules.MISSION_LOCALE else None
        referral_id, created = factory.open_referral(
            department, youth, action.kind, route, view, now, extra_context=extra
        )
        scheduled[action.kind] = {"referral_id": referral_id, "partner_id": route.partner_id}
        if created:
            emit("ReferralsCreated", 1, department=department.code)
            counts["referrals_created"] += 1
    _save_schedule(
        youth, scheduled, rules.next_due(record, scheduled, policy, today, directory=version)
    )
    return counts


def rides_together(due_today: list[rules.Action], scheduled: dict) -> bool:
    """A new interview invitation and the mission-locale referral both going out today go to
    the same mission locale in ONE email (SPEC §7: one message per partner per youth per day)."""
    kinds = {action.kind: action for action in due_today}
    invitation = kinds.get(rules.ENTRETIEN)
    return (
        rules.MISSION_LOCALE in kinds
        and invitation is not None
        and invitation.operation == "create"
        and scheduled.get(rules.ENTRETIEN) is None
    )


def _block(
    department: Department,
    youth: Youth,
    record: YouthRecord,
    kind: str,
    route: NoRoute,
    scheduled: dict,
    now: datetime,
    directory: DirectorySnapshot,
) -> None:
    raising.no_partner(
        department.code, record, kind, route, now, directory, expires_at=youth.expires_at
    )
    scheduled.setdefault("blocked", {})[kind] = {
        "reason": route.reason,
        "inputs": rules.routing_inputs(record, kind),
        "directory": directory.version(),
    }
    emit("NoPartnerFound", 1, department=department.code)


def _view(
    department: Department,
    record: YouthRecord,
    route: Route,
    kind: str,
    directory: DirectorySnapshot,
) -> dict:
    commune = directory.coverage(record.code_commune)
    return snapshot.build(
        record,
        department=snapshot.department_view(department),
        partner=snapshot.partner_view(route),
        kind=kind,
        commune_nom=commune.nom_commune if commune else None,
    )


def route_for(
    kind: str, record: YouthRecord, scheduled: dict, directory: DirectorySnapshot
) -> Route | NoRoute:
    excluded = frozenset((scheduled.get("excluded") or {}).get(kind, []))
    if kind == rules.HABITAT_JEUNES:
        return route_habitat_jeunes(record.code_commune, directory, exclude=excluded)
    ml_excluded = frozenset((scheduled.get("excluded") or {}).get(rules.MISSION_LOCALE, []))
    # the department's choice in the console stands in for the roster's code_ml
    chosen = (scheduled.get("chosen") or {}).get(rules.MISSION_LOCALE)
    return route_mission_locale(
        record.code_commune, record.code_ml or chosen, directory, exclude=excluded | ml_excluded
    )


def _save_schedule(youth: Youth, scheduled: dict, due_at: str | None) -> None:
    actions = [Youth.scheduled.set(scheduled)]
    actions.append(Youth.due_at.set(due_at) if due_at else Youth.due_at.remove())
    try:
        youth.update(actions=actions, condition=Youth.fingerprint == youth.fingerprint)
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):
            raise
        logger.info("youth changed during scan; next scan completes it")

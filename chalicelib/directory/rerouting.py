"""After a directory load: youths waiting for a partner are retried, and referrals still waiting
for an answer from a partner that is no longer competent go to the new one (SPEC §6, issue 4).

Reads only what can change: the ``BLOCKED`` youths of ``due-index`` and the unanswered referrals
of ``followup-index``, department by department.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib.departments import service as departments
from chalicelib.domain import clock, scheduling
from chalicelib.domain.enums import AWAITING_ANSWER, Kind, YouthStatus
from chalicelib.domain.routing import Route, route_habitat_jeunes, route_mission_locale
from chalicelib.domain.stored import StoredReferral, StoredYouth
from chalicelib.observability import logger
from chalicelib.store import referrals as referral_store
from chalicelib.store import youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.directory import DirectorySnapshot


def after_load(now: datetime) -> dict[str, int]:
    directory = DirectorySnapshot()
    totals: Counter[str] = Counter()
    for department in departments.all_departments():
        today = clock.local_today(department.code, now)
        for youth in youth_store.blocked(department.code):
            if youth_store.rearm(youth, today):
                totals["blocked_retried"] += 1
        for referral in referral_store.followups_due(department.code, scheduling.BLOCKED):
            if referral.status not in AWAITING_ANSWER:
                continue
            moved = _moved(referral, directory, now)
            if moved is not None and referral_store.redirect(referral, now, "directory"):
                schedule = youth_store.schedule_of(moved)
                schedule.forget(Kind(referral.kind), referral.referral_id)
                youth_store.replace_schedule(moved, schedule, due_today=today)
                youth_flags.refresh(moved.department, moved.id_externe)
                totals["redirected"] += 1
    logger.info("directory change applied", extra={"totals": dict(totals)})
    return dict(totals)


def _moved(
    referral: StoredReferral, directory: DirectorySnapshot, now: datetime
) -> StoredYouth | None:
    """The youth, when the referral's partner is no longer the one routing picks today."""
    youth = youth_store.get(referral.department, referral.id_externe, now)
    if youth is None or youth.status != YouthStatus.ACTIVE:
        return None
    record = youth_store.record_of(youth)
    if referral.kind == Kind.HABITAT_JEUNES:
        route = route_habitat_jeunes(record.code_commune, directory)
    else:
        route = route_mission_locale(record.code_commune, record.code_ml, directory)
    return youth if isinstance(route, Route) and route.partner_id != referral.partner_id else None

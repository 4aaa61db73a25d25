"""After a directory load: youths waiting for a partner are retried, and referrals still waiting
for an answer from a partner that is no longer competent go to the new one (SPEC §6, issue 4).

Reads only what can change: the ``BLOCKED`` youths of ``due-index`` and the unanswered referrals
of ``followup-index``, department by department.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.departments import service as departments
from chalicelib.directory.store import DirectorySnapshot
from chalicelib.domain import clock, scheduling
from chalicelib.domain.enums import AWAITING_ANSWER, Kind, ReferralStatus, YouthStatus
from chalicelib.domain.youth import YouthRecord
from chalicelib.observability import logger
from chalicelib.referrals import lifecycle
from chalicelib.routing.rules import Route, route_habitat_jeunes, route_mission_locale
from chalicelib.store.base import is_expired
from chalicelib.store.models import Referral, Youth


def after_load(now: datetime) -> dict:
    directory = DirectorySnapshot()
    totals: Counter = Counter()
    for department in departments.all_departments():
        today = clock.local_today(department.code, now).isoformat()
        for youth in Youth.due_index.query(department.code, Youth.due_at == scheduling.BLOCKED):
            try:
                youth.update(
                    actions=[Youth.due_at.set(today)], condition=Youth.due_at == scheduling.BLOCKED
                )
            except UpdateError as error:
                if not lifecycle.is_condition_failure(error):
                    raise
                continue
            totals["blocked_retried"] += 1
        for referral in Referral.followup_index.query(
            department.code, Referral.followup_at <= scheduling.BLOCKED
        ):
            youth = _moved(referral, directory, now) if referral.status in AWAITING_ANSWER else None
            if youth is not None:
                _redirect(referral, youth, today, now)
                totals["redirected"] += 1
    logger.info("directory change applied", extra={"totals": dict(totals)})
    return dict(totals)


def _moved(referral: Referral, directory: DirectorySnapshot, now: datetime) -> Youth | None:
    """The youth, when the referral's partner is no longer the one routing picks today."""
    try:
        youth = Youth.get(referral.department, referral.id_externe)
    except Youth.DoesNotExist:
        return None
    if youth.status != YouthStatus.ACTIVE or is_expired(youth.expires_at, now):
        return None
    record = YouthRecord.from_attributes(youth.record.as_dict())
    if referral.kind == scheduling.HABITAT_JEUNES:
        route = route_habitat_jeunes(record.code_commune, directory)
    else:
        route = route_mission_locale(record.code_commune, record.code_ml, directory)
    return youth if isinstance(route, Route) and route.partner_id != referral.partner_id else None


def _redirect(referral: Referral, youth: Youth, today: str, now: datetime) -> None:
    try:
        referral.update(
            actions=[
                Referral.status.set(ReferralStatus.REDIRECTED),
                Referral.followup_at.remove(),
                Referral.followup_stage.remove(),
                Referral.history.set(
                    Referral.history.append(
                        [lifecycle.entry(ReferralStatus.REDIRECTED, now, "directory")]
                    )
                ),
            ],
            condition=Referral.status.is_in(*AWAITING_ANSWER),
        )
    except UpdateError as error:
        if lifecycle.is_condition_failure(error):
            return
        raise
    schedule = youth.schedule()
    schedule.forget(Kind(referral.kind), referral.referral_id)
    youth.update(actions=[Youth.scheduled.set(schedule.to_item()), Youth.due_at.set(today)])

"""Full-sync of a department's roster into the youths table (SPEC §5.1).

Reads: one projected Query of the department's partition (id, fingerprint, status), then a
BatchGetItem of only the youths that changed or left. Writes: BatchWriteItem (25 items a request)
of created, changed, reactivated and exited youths; an identical file writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.domain import clock, scheduling
from chalicelib.domain.clock import add_months, iso, start_of_day_utc, utcnow
from chalicelib.domain.enums import YouthStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.youth import YouthRecord, birthday, majority_date
from chalicelib.observability import emit, logger
from chalicelib.referrals import lifecycle
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain
from chalicelib.store.departments import Department
from chalicelib.store.youths import Youth


@dataclass
class SyncPlan:
    created: list[YouthRecord] = field(default_factory=list)
    changed: list[YouthRecord] = field(default_factory=list)
    reactivated: list[YouthRecord] = field(default_factory=list)
    exited: list[str] = field(default_factory=list)
    unchanged: int = 0


def existing_index(department: str) -> dict[str, tuple[str, str]]:
    """id_externe → (fingerprint, status), projected so 50,000 youths stay small in memory."""
    return {
        item.id_externe: (item.fingerprint, item.status)
        for item in youth_store.roster_index(department, utcnow())
    }


def plan(
    records: Iterable[YouthRecord], existing: dict[str, tuple[str, str]], keep: set[str]
) -> SyncPlan:
    """Pure diff. ``keep``: ids whose rows were rejected — never treated as absent."""
    result = SyncPlan()
    seen: set[str] = set()
    for record in records:
        seen.add(record.id_externe)
        before = existing.get(record.id_externe)
        if before is None:
            result.created.append(record)
        elif before[1] != YouthStatus.ACTIVE:
            result.reactivated.append(record)
        elif before[0] != record.fingerprint():
            result.changed.append(record)
        else:
            result.unchanged += 1
    for id_externe, (_, status) in existing.items():
        if status == YouthStatus.ACTIVE and id_externe not in seen and id_externe not in keep:
            result.exited.append(id_externe)
    return result


PROGRESS_EVERY = 2000


def apply(
    department: Department,
    sync: SyncPlan,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> None:
    today = clock.local_today(department.code, now)
    policy = scheduling.Policy(int(department.ml_lead_days), int(department.hj_lead_days))
    stamp = iso(now)
    retention = int(department.retention_months)
    previous = _fetch(department.code, [r.id_externe for r in sync.changed + sync.reactivated])
    previous.update(_fetch(department.code, sync.exited))
    before = {
        id_externe: (youth_store.record_of(youth), youth.expires_at)
        for id_externe, youth in previous.items()
    }
    done = 0
    with youth_store.writer() as batch:
        for youth in _items(department.code, sync, previous, policy, today, stamp, retention):
            batch.save(youth)
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(sync.unchanged + done)
    if progress:
        progress(sync.unchanged + done)
    _follow(department, sync, previous, before, today, now)
    if sync.exited:
        emit("YouthsExited", len(sync.exited), department=department.code)


def _follow(
    department: Department,
    sync: SyncPlan,
    youths: dict[str, Youth],
    before: Mapping[str, tuple[YouthRecord, datetime | None]],
    today: date,
    now: datetime,
) -> None:
    """What the written changes mean for the youths' referrals (``referrals.lifecycle``)."""
    for id_externe in sync.exited:
        lifecycle.on_exit(department, youths[id_externe], today, now)
    for record in sync.reactivated:
        lifecycle.on_return(youths[record.id_externe], now)
    for record in sync.changed + sync.reactivated:
        old_record, old_expiry = before[record.id_externe]
        lifecycle.on_record_change(old_record, youths[record.id_externe], old_expiry)


def _items(
    code: str,
    sync: SyncPlan,
    previous: dict[str, Youth],
    policy: scheduling.Policy,
    today: date,
    stamp: str,
    retention: int,
) -> Iterator[Youth]:
    for record in sync.created:
        youth = Youth(code, record.id_externe, created_at=stamp, scheduled={})
        yield _fill(youth, record, policy, today, stamp, retention)
    for record in sync.changed + sync.reactivated:
        youth = previous[record.id_externe]
        _record_changes(youth, record, stamp)
        yield _fill(youth, record, policy, today, stamp, retention)
    for id_externe in sync.exited:
        youth = previous[id_externe]
        youth.status, youth.exited_at, youth.updated_at = YouthStatus.EXITED, stamp, stamp
        youth.due_at = None
        youth.history = [*(youth.history or []), {"at": stamp, "event": "exited"}]
        youth.expires_at = start_of_day_utc(add_months(today, retention))
        yield youth


def _fetch(department: str, ids: list[str]) -> dict[str, Youth]:
    return youth_store.fetch(department, ids)


def _fill(
    youth: Youth,
    record: YouthRecord,
    policy: scheduling.Policy,
    today: date,
    stamp: str,
    retention: int,
) -> Youth:
    schedule = Schedule.from_item(plain(youth.scheduled))
    youth.record = record.as_attributes()
    youth.fingerprint = record.fingerprint()
    youth.status, youth.exited_at, youth.updated_at = YouthStatus.ACTIVE, None, stamp
    youth.majority_date = majority_date(record.date_naissance).isoformat()
    youth.scheduled = schedule.to_item()
    youth.due_at = scheduling.next_due(record, schedule, policy, today)
    youth.expires_at = start_of_day_utc(add_months(birthday(record.date_naissance, 21), retention))
    return youth


def _record_changes(youth: Youth, record: YouthRecord, stamp: str) -> None:
    """Keep the pathway's changes of state (no personal data) and returns in the history."""
    events = list(youth.history or [])
    if youth.status != YouthStatus.ACTIVE:
        events.append({"at": stamp, "event": "reactivated"})
    before = dict((plain(youth.record) or {}).get("parcours") or {})
    for part in sorted(set(before) | set(record.parcours)):
        if before.get(part) != record.parcours.get(part):
            events.append(
                {
                    "at": stamp,
                    "event": "pathway",
                    "part": part,
                    "from": before.get(part) or "inconnu",
                    "to": record.parcours.get(part) or "inconnu",
                }
            )
    youth.history = events[-200:]


def report_counts(sync: SyncPlan) -> dict[str, int]:
    return {
        "created": len(sync.created),
        "updated": len(sync.changed) + len(sync.reactivated),
        "unchanged": sync.unchanged,
        "exited": len(sync.exited),
    }


def log_outcome(
    department: str,
    counts: dict[str, int],
    rows: int,
    rejected_rows: int,
    actor: str,
    upload_id: str | None = None,
) -> None:
    emit("RosterRowsReceived", rows, department=department)
    if rejected_rows:
        emit("RosterRowsRejected", rejected_rows, department=department)
    logger.info("roster synced", extra={"department": department, "counts": counts})
    youth_store.record_upload(
        department, actor, {**counts, "rows": rows, "rejected": rejected_rows}, utcnow(), upload_id
    )

"""Full-sync of a department's roster into the youths table (SPEC §5.1).

Reads: one projected Query of the department's partition (id, fingerprint, status), then a
BatchGetItem of only the youths that changed or left. ``plan`` diffs, ``change`` computes what a
row makes of a youth (pure); ``store.youths`` applies it: BatchWriteItem (25 items a request) of
created youths, one conditional UpdateItem per changed, returning or exited youth (conditional on
the schedule's version read: a scan saving a schedule meanwhile is never overwritten; the youth is
read again and the change computed again). An identical file writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.domain import clock, scheduling
from chalicelib.domain.clock import add_months, iso, start_of_day_utc, utcnow
from chalicelib.domain.enums import YouthEvent, YouthStatus
from chalicelib.domain.history import YouthHistoryEntry
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.stored import StoredDepartment, StoredYouth
from chalicelib.domain.youth import UNKNOWN_STATE, YouthRecord, birthday, majority_date
from chalicelib.errors import ConflictError
from chalicelib.observability import emit, logger
from chalicelib.pathway import digest
from chalicelib.referrals import lifecycle
from chalicelib.store import youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain


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


MAX_TRIES = 5  # a youth whose schedule keeps moving under the roster (never seen in practice)


def apply(
    department: StoredDepartment,
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
    new = ((r.id_externe, change(r, None, policy, today, stamp, retention)) for r in sync.created)
    done = 0
    for done, _ in enumerate(youth_store.create_many(department.code, new), start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(sync.unchanged + done)
    for record in sync.changed + sync.reactivated:
        key = record.id_externe
        previous[key] = _take_record(previous[key], record, policy, today, stamp, retention)
    exit_expiry = start_of_day_utc(add_months(today, retention))
    for id_externe in sync.exited:
        previous[id_externe] = _exit(previous[id_externe], stamp, exit_expiry)
    if progress:
        progress(sync.unchanged + len(sync.created) + len(previous))
    _follow(department, sync, previous, before, today, now)
    if sync.exited:
        emit("YouthsExited", len(sync.exited), department=department.code)


def _take_record(
    youth: StoredYouth,
    record: YouthRecord,
    policy: scheduling.Policy,
    today: date,
    stamp: str,
    retention: int,
) -> StoredYouth:
    """The youth takes the row's record; read again and computed again while its schedule moves."""
    for _ in range(MAX_TRIES):
        taken = change(record, youth, policy, today, stamp, retention)
        if youth_store.take_record(youth, taken):
            if youth.status == YouthStatus.ACTIVE and youth.majority_date != taken.majority_date:
                # the flag views key on the majority date (a returning youth: ``on_return``)
                youth_flags.refresh(youth.department, youth.id_externe)
            return youth
        youth = _read_again(youth)
    raise ConflictError("Un jeune est modifié en même temps ; déposez la liste à nouveau.")


def _exit(youth: StoredYouth, stamp: str, expires_at: datetime) -> StoredYouth:
    for _ in range(MAX_TRIES):
        if youth.status != YouthStatus.ACTIVE or youth_store.mark_exited(youth, stamp, expires_at):
            return youth
        youth = _read_again(youth)
    raise ConflictError("Un jeune est modifié en même temps ; déposez la liste à nouveau.")


def _read_again(youth: StoredYouth) -> StoredYouth:
    found = youth_store.get(youth.department, youth.id_externe, None, consistent=True)
    if found is None:  # erased meanwhile: nothing left to write (the update would fail again)
        raise ConflictError("Un jeune a été effacé pendant le dépôt ; déposez la liste à nouveau.")
    return found


def _follow(
    department: StoredDepartment,
    sync: SyncPlan,
    youths: dict[str, StoredYouth],
    before: Mapping[str, tuple[YouthRecord, datetime | None]],
    today: date,
    now: datetime,
) -> None:
    """What the written changes mean for the youths' referrals (``referrals.lifecycle``)."""
    for id_externe in sync.exited:
        lifecycle.on_exit(department, youths[id_externe], today, now)
        digest.expire_with(department, youths[id_externe], today)
    for record in sync.reactivated:
        lifecycle.on_return(youths[record.id_externe], now)
    for record in sync.changed + sync.reactivated:
        old_record, old_expiry = before[record.id_externe]
        lifecycle.on_record_change(old_record, youths[record.id_externe], old_expiry)


def _fetch(department: str, ids: list[str]) -> dict[str, StoredYouth]:
    return youth_store.fetch(department, ids)


def change(
    record: YouthRecord,
    youth: StoredYouth | None,
    policy: scheduling.Policy,
    today: date,
    stamp: str,
    retention: int,
) -> youth_store.RecordChange:
    """What ``record`` makes of the youth (``None``: a new one) as read. Pure."""
    schedule = youth_store.schedule_of(youth) if youth is not None else Schedule()
    return youth_store.RecordChange(
        record=record.as_attributes(),
        fingerprint=record.fingerprint(),
        majority_date=majority_date(record.date_naissance).isoformat(),
        due_at=scheduling.next_due(record, schedule, policy, today),
        expires_at=start_of_day_utc(add_months(birthday(record.date_naissance, 21), retention)),
        history=_history(youth, record, stamp) if youth is not None else [],
        stamp=stamp,
    )


def _history(youth: StoredYouth, record: YouthRecord, stamp: str) -> list[dict[str, Any]]:
    """Keep the pathway's changes of state (no personal data) and returns in the history."""
    events = youth.events()
    if youth.status != YouthStatus.ACTIVE:
        events.append(YouthHistoryEntry(stamp, YouthEvent.REACTIVATED))
    before = dict((plain(youth.record) or {}).get("parcours") or {})
    for part in sorted(set(before) | set(record.parcours)):
        if before.get(part) != record.parcours.get(part):
            was, after = (
                before.get(part) or UNKNOWN_STATE,
                record.parcours.get(part) or UNKNOWN_STATE,
            )
            events.append(YouthHistoryEntry(stamp, YouthEvent.PATHWAY, part, was, after))
    return [event.to_item() for event in events[-200:]]


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

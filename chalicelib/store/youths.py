"""Youths: the department's roster as stored, and their named, conditional transitions.

A youth is ``active`` while on the department's roster, ``exited`` once absent from a full roster.
``roster.sync`` computes what a roster makes of each youth (a ``RecordChange``, pure) and applies
it here: new youths in batches (``create_many``: nobody else knows them yet), a changed or
returning youth by ``take_record``, an absent one by ``mark_exited`` — each conditional on the
``version`` it read, which every write of the schedule or the due date moves (``save_schedule``,
``choose_partner``, ``keep_refusal``, ``rearm``, ``replace_schedule``): a schedule saved between
the roster's read and its write is never lost (the roster reads the youth again and retries).
``save_schedule`` records what the scan did (conditional on the record it read). Reads ignore
expired items (``live``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from pynamodb.pagination import ResultIterator

from chalicelib.domain.enums import Kind, YouthEvent, YouthStatus
from chalicelib.domain.history import YouthHistoryEntry
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.scheduling import BLOCKED
from chalicelib.domain.stored import StoredYouth
from chalicelib.domain.youth import YouthRecord
from chalicelib.store import audit, listing, youth_flags
from chalicelib.store.base import live, live_page, own, plain
from chalicelib.store.models import Youth
from chalicelib.store.writes import applied

BUMP = Youth.version.add(1)  # in every write of ``scheduled`` or ``due_at``


@dataclass(frozen=True)
class RecordChange:
    """What a roster row makes of a youth (computed by ``roster.sync``, pure): its record and
    what follows from it, its due date from the schedule as read."""

    record: dict[str, Any]
    fingerprint: str
    majority_date: str
    due_at: str | None
    expires_at: datetime
    history: list[dict[str, Any]]
    stamp: str


def get(
    department: str, id_externe: str, now: datetime | None, *, consistent: bool = False
) -> StoredYouth | None:
    """The youth, if live at ``now`` (``now=None``: even expired, for erasure)."""
    try:
        youth = Youth.get(department, id_externe, consistent_read=consistent)
    except Youth.DoesNotExist:
        return None
    return cast(StoredYouth, youth) if now is None or live(youth, now) else None


def record_of(youth: StoredYouth) -> YouthRecord:
    return YouthRecord.from_attributes(plain(youth.record) or {})


def schedule_of(youth: StoredYouth) -> Schedule:
    return Schedule.from_item(plain(youth.scheduled))


def due_batch(
    department: str, today: date, limit: int, cursor: dict[str, Any] | None
) -> ResultIterator[StoredYouth]:
    """Up to ``limit`` youths due after ``cursor``, expired ones included (the caller skips them
    with ``store.base.live``): a batch's size counts what was read."""
    found = Youth.due_index.query(
        department, Youth.due_at <= today.isoformat(), limit=limit, last_evaluated_key=cursor
    )
    return cast("ResultIterator[StoredYouth]", found)


def has_due(department: str, today: date) -> bool:
    """Is any youth of this department due? (one Query of at most one item)"""
    return any(Youth.due_index.query(department, Youth.due_at <= today.isoformat(), limit=1))


def blocked(department: str) -> Iterator[StoredYouth]:
    """The youths waiting for a partner (``due_at = BLOCKED``)."""
    return cast(Iterator[StoredYouth], Youth.due_index.query(department, Youth.due_at == BLOCKED))


def majority_between(
    department: str, first: date, last: date, now: datetime
) -> Iterator[StoredYouth]:
    """The live youths whose majority falls between ``first`` and ``last`` (``majority-index``)."""
    found = Youth.majority_index.query(
        department, Youth.majority_date.between(first.isoformat(), last.isoformat())
    )
    return cast(Iterator[StoredYouth], (youth for youth in found if live(youth, now)))


def save_schedule(youth: StoredYouth, schedule: Schedule, due_at: str | None) -> bool:
    """What the scan created, and the next due date; False when the roster changed the youth
    meanwhile (the next scan completes it with the new record)."""
    actions: list[Any] = [
        Youth.scheduled.set(schedule.to_item()),
        Youth.due_at.set(due_at) if due_at else Youth.due_at.remove(),
        BUMP,
    ]
    return applied(
        lambda: own(youth, Youth).update(
            actions=actions, condition=Youth.fingerprint == youth.fingerprint
        )
    )


def choose_partner(
    youth: StoredYouth, kind: Kind, partner_id: str, *, refused: str | None, due_at: str
) -> bool:
    """The department chose ``partner_id`` for ``kind`` in the console: the choice stands in for
    the roster's ``code_ml``, the youth is due again. False when the roster changed the youth
    meanwhile (the agent reloads and decides)."""
    schedule = schedule_of(youth)
    schedule.choose(kind, partner_id, refused=refused)
    return applied(
        lambda: own(youth, Youth).update(
            actions=[Youth.scheduled.set(schedule.to_item()), Youth.due_at.set(due_at), BUMP],
            condition=(Youth.fingerprint == youth.fingerprint)
            & (Youth.status == YouthStatus.ACTIVE),
        )
    )


def keep_refusal(youth: StoredYouth, kind: Kind, referral_id: str) -> bool:
    """The department saw the refusal and keeps things as they are: no longer "à réorienter"."""
    schedule = schedule_of(youth)
    schedule.refusal_seen[kind] = referral_id
    return applied(
        lambda: own(youth, Youth).update(
            actions=[Youth.scheduled.set(schedule.to_item()), BUMP],
            condition=Youth.fingerprint == youth.fingerprint,
        )
    )


def rearm(youth: StoredYouth, today: date) -> bool:
    """A youth blocked for want of a partner is due again (a directory load)."""
    return applied(
        lambda: own(youth, Youth).update(
            actions=[Youth.due_at.set(today.isoformat()), BUMP], condition=Youth.due_at == BLOCKED
        )
    )


def replace_schedule(
    youth: StoredYouth, schedule: Schedule, *, due_today: date | None = None
) -> bool:
    """A referral left the schedule (re-routing, exit): the kind becomes due again."""
    actions: list[Any] = [Youth.scheduled.set(schedule.to_item()), BUMP]
    if due_today is not None:
        actions.append(Youth.due_at.set(due_today.isoformat()))
    return applied(
        lambda: own(youth, Youth).update(actions=actions, condition=Youth.id_externe.exists())
    )


def roster_index(department: str, now: datetime) -> Iterator[StoredYouth]:
    """Every live youth of the department, projected to (id, fingerprint, status) so that 50,000
    youths stay small in memory: what a full-sync compares the file with."""
    found = Youth.query(
        department, attributes_to_get=["id_externe", "fingerprint", "status", "expires_at"]
    )
    return cast(Iterator[StoredYouth], (item for item in found if live(item, now)))


def create_many(department: str, changes: Iterable[tuple[str, RecordChange]]) -> Iterator[int]:
    """New youths (id, change), written in batches (25 items a request): nobody else can know
    them yet. Yields after each youth queued (the caller counts progress)."""
    with Youth.batch_write() as batch:
        for id_externe, change in changes:
            youth = Youth(department, id_externe, created_at=change.stamp, scheduled={})
            youth.record, youth.fingerprint = change.record, change.fingerprint
            youth.status, youth.updated_at = YouthStatus.ACTIVE, change.stamp
            youth.majority_date, youth.due_at = change.majority_date, change.due_at
            youth.expires_at, youth.history, youth.version = change.expires_at, change.history, 0
            batch.save(listing.list_keys(youth))
            yield 1


def take_record(youth: StoredYouth, change: RecordChange) -> bool:
    """A changed or returning youth takes the roster's record (``active``); False when its
    schedule or due date moved since ``youth`` was read (read it again, compute again)."""
    actions: list[Any] = [
        Youth.record.set(change.record),
        Youth.fingerprint.set(change.fingerprint),
        Youth.status.set(YouthStatus.ACTIVE),
        Youth.exited_at.remove(),
        Youth.updated_at.set(change.stamp),
        Youth.majority_date.set(change.majority_date),
        Youth.due_at.set(change.due_at) if change.due_at else Youth.due_at.remove(),
        Youth.expires_at.set(change.expires_at),
        Youth.history.set(change.history),
        *_list_keys(youth, change.record, YouthStatus.ACTIVE, change.majority_date),
        BUMP,
    ]
    return applied(lambda: own(youth, Youth).update(actions=actions, condition=_as_read(youth)))


def mark_exited(youth: StoredYouth, stamp: str, expires_at: datetime) -> bool:
    """Absent from a full roster: ``exited``, nothing due, kept ``retention_months`` from now;
    False when it moved since ``youth`` was read."""
    actions: list[Any] = [
        Youth.status.set(YouthStatus.EXITED),
        Youth.exited_at.set(stamp),
        Youth.updated_at.set(stamp),
        Youth.due_at.remove(),
        Youth.history.set(
            Youth.history.append([YouthHistoryEntry(stamp, YouthEvent.EXITED).to_item()])
        ),
        Youth.expires_at.set(expires_at),
        *_list_keys(youth, youth.record, YouthStatus.EXITED, youth.majority_date),
        BUMP,
    ]
    condition = _as_read(youth) & (Youth.status == YouthStatus.ACTIVE)
    return applied(lambda: own(youth, Youth).update(actions=actions, condition=condition))


def _as_read(youth: StoredYouth) -> Any:
    """The youth's schedule and due date as read (its ``version``; none before the first)."""
    if youth.version is None:
        return Youth.id_externe.exists() & Youth.version.does_not_exist()
    return Youth.version == youth.version


def _list_keys(youth: StoredYouth, record: Any, status: str, majority_date: str) -> list[Any]:
    """The console list's keys (``store.listing``) as the write leaves the youth."""
    after = listing.list_keys(
        Youth(
            youth.department,
            youth.id_externe,
            record=record,
            status=status,
            majority_date=majority_date,
        )
    )
    return [
        Youth.list_name.set(after.list_name),
        Youth.list_first.set(after.list_first),
        Youth.list_status.set(after.list_status),
    ]


def fetch(department: str, ids: Iterable[str]) -> dict[str, StoredYouth]:
    keys = [(department, i) for i in ids]
    if not keys:
        return {}
    return cast(dict[str, StoredYouth], {y.id_externe: y for y in Youth.batch_get(keys)})


def note(department: str, id_externe: str, event: YouthHistoryEntry) -> bool:
    """Append an event (no personal data) to the youth's history; False for an erased youth."""
    return applied(
        lambda: Youth(department, id_externe).update(
            actions=[Youth.history.set(Youth.history.append([event.to_item()]))],
            condition=Youth.id_externe.exists(),
        )
    )


def erase(youth: StoredYouth) -> None:
    item = own(youth, Youth)
    youth_flags.clear(item)  # out of the flag views' counts first: the item then goes
    item.delete()
    listing.uncount(item)


def record_upload(
    department: str, actor: str, counts: dict[str, int], now: datetime, upload_id: str | None
) -> None:
    """The upload's audit event (naming the upload, whose report the console's history links),
    with the console list's totals counted again: one request."""
    event = audit.new_event(department, "roster_uploaded", actor, counts=counts, subject=upload_id)
    listing.recount_with_event(department, event, now)


def page(
    department: str,
    *,
    status: str | None,
    majority: tuple[date | None, date | None],
    cursor: dict[str, Any] | None,
    size: int,
    now: datetime,
) -> tuple[list[StoredYouth], dict[str, Any] | None]:
    """One page of the department's live youths (by file number, or by majority date when a
    range is given) and the key of the next page."""
    condition = (Youth.status == status) if status else None
    start, end = majority
    if start is None and end is None:
        results = Youth.query(
            department, filter_condition=condition, last_evaluated_key=cursor, page_size=size
        )
    else:
        results = Youth.majority_index.query(
            department,
            _majority_condition(start, end),
            filter_condition=condition,
            last_evaluated_key=cursor,
            page_size=size,
        )
    return live_page(results, size, now)


def _majority_condition(start: date | None, end: date | None) -> Any:
    if start and end:
        return Youth.majority_date.between(start.isoformat(), end.isoformat())
    if start:
        return Youth.majority_date >= start.isoformat()
    return Youth.majority_date <= (end or date.max).isoformat()


def of_department(
    department: str, now: datetime, *, status: str | None = None
) -> Iterator[StoredYouth]:
    """Every live youth of the department (reports, coverage gaps: one Query)."""
    condition = (Youth.status == status) if status else None
    found = Youth.query(department, filter_condition=condition)
    return cast(Iterator[StoredYouth], (y for y in found if live(y, now)))

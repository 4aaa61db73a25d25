"""The youths list's flag views (SPEC §4b, §10): "sans partenaire", "sans réponse" and "à
réorienter", each a sparse index of the youths table and a kept count, so that a flag's pages are
full, its total exact (one youth once, whatever its referrals) and both read no more than the
rows shown.

While a flag holds, the youth carries its row's key in that flag's attribute (``flag_blocked``,
``flag_late``, ``flag_reroute``): "majority date#id", so that a view is in majority-date order
and a month is a prefix of its keys. Beside them, ``ConsoleItem`` counters (``flag-counts#D``
/ ``FLAG`` and ``FLAG#AAAA-MM``) hold how many youths each view and each of its months list.

``domain.youth_flags`` decides the flags from the youth and all its referrals, as the youth's
page does; the list's rows show the flags kept here (the views they are listed in). ``refresh``
writes them after every transition that may change one (a referral answered, reminded, given up
or redirected; a partner chosen, a refusal kept; a youth exited, back or born on another date):
the youth's attributes and the counters in one TransactWriteItems, conditional on the youth as
read, so that the counts never drift.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.enums import YouthStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.scheduling import BLOCKED as BLOCKED_DUE
from chalicelib.domain.stored import StoredYouth
from chalicelib.domain.youth_flags import PLACED_KINDS, YouthFlags, flags_of
from chalicelib.observability import logger
from chalicelib.store.base import own, plain
from chalicelib.store.models import Alert, ConsoleItem, Referral, Youth
from chalicelib.store.writes import applied, transaction

BLOCKED, LATE, REROUTE = "blocked", "late", "reroute"
FLAGS = (BLOCKED, LATE, REROUTE)
ATTEMPTS = 3  # a refresh that raced with another write reads the youth again
REFUSAL_ALERTS = (AlertKind.REFUSED, AlertKind.REDIRECTED)


def view(flag: str) -> tuple[Any, Any]:
    """The flag's index and the youth attribute it keys on."""
    return {
        BLOCKED: (Youth.blocked_index, Youth.flag_blocked),
        LATE: (Youth.late_index, Youth.flag_late),
        REROUTE: (Youth.reroute_index, Youth.flag_reroute),
    }[flag]


def keys_of(youth: Youth, flags: YouthFlags) -> dict[str, str | None]:
    """Each view's key for the youth (None: not in that view)."""
    held = {BLOCKED: flags.blocked, LATE: flags.late, REROUTE: bool(flags.refusals)}
    return {flag: _row(youth) if held[flag] else None for flag in FLAGS}


def _row(youth: StoredYouth | Youth) -> str:
    return f"{youth.majority_date}#{youth.id_externe}"


def held(youth: StoredYouth | Youth) -> dict[str, str | None]:
    """The views the youth is in, as read."""
    return {flag: getattr(youth, view(flag)[1].attr_name) for flag in FLAGS}


def total(department: str, flag: str, month: str = "") -> int:
    """How many youths the view lists (within ``month``, AAAA-MM): one GetItem."""
    try:
        item = ConsoleItem.get(*_counter(department, f"{flag}#{month}" if month else flag))
    except ConsoleItem.DoesNotExist:
        return 0
    return max(0, int(item.tally or 0))


def follow_schedule(youth: StoredYouth) -> None:
    """After the scan's schedule write (``youth`` as it left it): only "sans partenaire" may
    have moved, written from the youth in hand (no read; a full ``refresh`` if it changed since)."""
    schedule = Schedule.from_item(plain(youth.scheduled))
    blocked = youth.status == YouthStatus.ACTIVE and bool(schedule.blocked)
    after = {**held(youth), BLOCKED: _row(youth) if blocked else None}
    if not _write(own(youth, Youth), after):
        refresh(youth.department, youth.id_externe)


def refresh(department: str, id_externe: str, *, unless_done: bool = False) -> None:
    """Write the youth's flags and the counts as its status, its schedule and its placed
    referrals say now (``unless_done``: only if they were never written)."""
    for _ in range(ATTEMPTS):
        try:
            youth = Youth.get(department, id_externe, consistent_read=True)
        except Youth.DoesNotExist:
            return  # erased: ``clear`` took it out of the counts
        if unless_done and youth.flags_version is not None:
            return
        if _refresh_once(youth):
            return
    logger.warning("flags not refreshed: the youth kept changing", extra={"department": department})


def refresh_of(youth_key: str | None) -> None:
    """``refresh`` for a message's or a referral's ``youth_key`` ("department#id")."""
    if youth_key and "#" in youth_key:
        department, id_externe = youth_key.split("#", 1)
        refresh(department, id_externe)


def backfill(department: str) -> ConsoleItem | None:
    """Youths stored before the flag views existed get their flags once (each roster upload
    calls this): those that may need the department, from the indexes that already knew them (a
    referral awaiting an answer, nothing left but a kind without partner, an open refusal alert).
    Returns the marker saying the department is done, for the caller to write in the upload's
    own transaction (no request of its own); None when it was done before."""
    marker = _counter(department, "backfilled")
    try:
        ConsoleItem.get(*marker)
        return None
    except ConsoleItem.DoesNotExist:
        pass
    found = [
        *(r.id_externe for r in Referral.awaiting_index.query(department)),
        *(y.id_externe for y in Youth.due_index.query(department, Youth.due_at == BLOCKED_DUE)),
        *(
            a.id_externe
            for a in Alert.open_index.query(
                department, filter_condition=Alert.kind.is_in(*REFUSAL_ALERTS)
            )
            if a.id_externe
        ),
    ]
    for id_externe in dict.fromkeys(found):
        refresh(department, id_externe, unless_done=True)
    return ConsoleItem(*marker, department=department)


def clear(youth: Youth) -> None:
    """The youth is about to be erased: out of every view and count."""
    for _ in range(ATTEMPTS):
        if _write(youth, dict.fromkeys(FLAGS)):
            return
        try:
            youth = Youth.get(youth.department, youth.id_externe, consistent_read=True)
        except Youth.DoesNotExist:
            return


def _refresh_once(youth: Youth) -> bool:
    """The youth's referrals as they are now: their ids from ``youth-index`` (and the schedule's,
    which the index may not show yet), then each item read consistently."""
    schedule = Schedule.from_item(plain(youth.scheduled))
    found = Referral.youth_index.query(
        f"{youth.department}#{youth.id_externe}", attributes_to_get=["referral_id"]
    )
    ids = [
        *(referral.referral_id for referral in found),
        *(schedule.placed[kind].referral_id for kind in PLACED_KINDS if kind in schedule.placed),
    ]
    keys = list(dict.fromkeys(ids))
    referrals = list(Referral.batch_get(keys, consistent_read=True)) if keys else []
    return _write(youth, keys_of(youth, flags_of(youth.status, schedule, referrals)))


def _write(youth: Youth, after: dict[str, str | None]) -> bool:
    """The youth's flag attributes and the counters, from ``held(youth)`` to ``after``, in one
    transaction conditional on the youth as read; True when done or nothing to do."""
    before = held(youth)
    if before == after:
        return True
    moves: Counter[str] = Counter()
    for flag in FLAGS:
        for key, delta in ((before[flag], -1), (after[flag], 1)):
            if key:
                moves[flag] += delta
                moves[f"{flag}#{key[:7]}"] += delta  # the key starts with the majority date
    attributes = [
        view(flag)[1].set(key) if key else view(flag)[1].remove() for flag, key in after.items()
    ]
    version = int(youth.flags_version or 0)

    def write() -> None:
        with transaction() as batch:
            batch.update(
                youth,
                actions=[*attributes, Youth.flags_version.set(version + 1)],
                condition=_as_read(youth),
            )
            for name, delta in moves.items():
                if delta:
                    counter = ConsoleItem(*_counter(youth.department, name))
                    batch.update(
                        counter,
                        actions=[
                            ConsoleItem.tally.add(delta),
                            ConsoleItem.department.set(youth.department),
                        ],
                    )

    return applied(write)


def _as_read(youth: Youth) -> Any:
    """The youth's flags, schedule, status and majority date as read."""
    flags = (
        Youth.flags_version.does_not_exist()
        if youth.flags_version is None
        else Youth.flags_version == youth.flags_version
    )
    schedule = (
        Youth.version.does_not_exist() if youth.version is None else Youth.version == youth.version
    )
    return (
        flags
        & schedule
        & (Youth.status == youth.status)
        & (Youth.majority_date == youth.majority_date)
    )


def _counter(department: str, name: str) -> tuple[str, str]:
    return f"flag-counts#{department}", name

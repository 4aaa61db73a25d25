"""Time as the product keeps it (UTC ISO strings) and as departments live it (local dates, the SMS
window). Pure."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import geo

SMS_OPENS, SMS_CLOSES = time(8, 0), time(20, 0)
PARIS = ZoneInfo("Europe/Paris")


# ``jobs run --now`` (and the tests) stand in for the clock of everything a run does, the work
# items its fan-out enqueued included (their workers read the time, as on AWS).
_STAND_IN: ContextVar[datetime | None] = ContextVar("stand_in_now", default=None)


def utcnow() -> datetime:
    return _STAND_IN.get() or datetime.now(UTC)


@contextmanager
def stands_at(now: datetime) -> Iterator[None]:
    """Within the block (this thread or task), ``utcnow()`` is ``now``."""
    token = _STAND_IN.set(now)
    try:
        yield
    finally:
        _STAND_IN.reset(token)


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with seconds, sortable as a string (used as GSI range keys)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a missing day becomes the month's last (31/08 + 6
    → 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of_day_utc(day: date) -> datetime:
    """TTL moment: the start of ``day`` in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def zone_of(department: str) -> ZoneInfo:
    return ZoneInfo(geo.timezone_of(department))


def local_today(department: str, now: datetime) -> date:
    return now.astimezone(zone_of(department)).date()


def clock_from(today: date | None, now: datetime | None) -> datetime:
    """``jobs run`` semantics: ``--now`` wins; ``--today`` alone is that date at 10:00 Paris."""
    if now is not None:
        return now if now.tzinfo else now.replace(tzinfo=PARIS)
    if today is not None:
        return datetime.combine(today, time(10, 0), tzinfo=PARIS).astimezone(UTC)
    return datetime.now(UTC)


def sms_window_open(department: str, now: datetime) -> bool:
    local = now.astimezone(zone_of(department))
    return local.weekday() < 6 and SMS_OPENS <= local.time() < SMS_CLOSES


def next_sms_window(department: str, now: datetime) -> datetime:
    """The next moment SMS may go (``now`` itself when the window is open)."""
    zone = zone_of(department)
    local = now.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        opens = datetime.combine(day, SMS_OPENS, tzinfo=zone)
        closes = datetime.combine(day, SMS_CLOSES, tzinfo=zone)
        if local < closes:
            return max(local, opens).astimezone(UTC)
    raise RuntimeError("no SMS window within a week")  # pragma: no cover

"""Time as departments live it: local dates, local hours, the SMS window. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib import geo

SMS_OPENS, SMS_CLOSES = time(8, 0), time(20, 0)
PARIS = ZoneInfo("Europe/Paris")


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

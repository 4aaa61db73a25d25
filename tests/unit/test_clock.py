"""Time as departments live it (SPEC §3 ``jobs run``, §6): local dates, the SMS window. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import clock

OVERSEAS = ("971", "972", "973", "974", "976")
REUNION = ZoneInfo("Indian/Reunion")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- jobs run --today / --now --------------------------------------------------------------------
def test_today_alone_means_10_00_in_paris_in_winter_and_in_summer():
    assert clock.clock_from(date(2031, 3, 3), None) == utc("2031-03-03T09:00")
    assert clock.clock_from(date(2031, 7, 1), None) == utc("2031-07-01T08:00")


def test_now_wins_over_today_and_a_naive_now_is_read_in_paris():
    instant = utc("2031-03-03T22:15")
    assert clock.clock_from(date(2030, 1, 1), instant) == instant
    naive = clock.clock_from(None, datetime(2031, 3, 3, 23, 15))
    assert naive == instant


def test_without_either_the_clock_is_the_current_instant():
    before = datetime.now(UTC)
    assert before <= clock.clock_from(None, None) <= datetime.now(UTC)


# --- local dates ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("department", "zone"),
    [
        ("59", "Europe/Paris"),
        ("2A", "Europe/Paris"),
        ("971", "America/Guadeloupe"),
        ("972", "America/Martinique"),
        ("973", "America/Cayenne"),
        ("974", "Indian/Reunion"),
        ("976", "Indian/Mayotte"),
    ],
)
def test_each_department_has_its_time_zone(department, zone):
    assert str(clock.zone_of(department)) == zone


def test_the_local_date_differs_from_paris_late_and_early_in_the_utc_day():
    late = utc("2031-03-03T21:30")  # 22:30 in Lille, 01:30 on the 4th in La Réunion
    assert clock.local_today("59", late) == date(2031, 3, 3)
    assert clock.local_today("974", late) == date(2031, 3, 4)
    early = utc("2031-03-04T02:00")  # 03:00 in Lille, 22:00 on the 3rd in Guadeloupe
    assert clock.local_today("59", early) == date(2031, 3, 4)
    assert clock.local_today("971", early) == date(2031, 3, 3)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2040, 12, 31)))
def test_at_05_00_utc_the_daily_scan_sees_the_same_date_in_every_department(day):
    instant = datetime.combine(day, time(5, 0), tzinfo=UTC)
    assert {clock.local_today(code, instant) for code in ("59", *OVERSEAS)} == {day}


# --- the SMS window ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("local", "open_"),
    [
        ("2031-03-08T07:59", False),  # Saturday before 08:00
        ("2031-03-08T08:00", True),
        ("2031-03-08T19:59", True),
        ("2031-03-08T20:00", False),
        ("2031-03-09T12:00", False),  # Sunday
        ("2031-03-10T08:00", True),  # Monday
    ],
)
def test_sms_go_from_08_00_to_20_00_local_time_monday_to_saturday(local, open_):
    instant = datetime.fromisoformat(local).replace(tzinfo=REUNION)
    assert clock.sms_window_open("974", instant) is open_


@pytest.mark.parametrize(
    ("local", "opens"),
    [
        ("2031-03-08T21:00", "2031-03-10T08:00"),  # Saturday evening → Monday morning
        ("2031-03-09T10:00", "2031-03-10T08:00"),  # Sunday → Monday
        ("2031-03-10T06:30", "2031-03-10T08:00"),  # Monday before opening → same day
        ("2031-03-10T12:00", "2031-03-10T12:00"),  # open: now
        ("2031-03-11T20:00", "2031-03-12T08:00"),  # closing time → next morning
    ],
)
def test_the_next_sms_window_skips_the_night_and_sunday(local, opens):
    instant = datetime.fromisoformat(local).replace(tzinfo=REUNION)
    expected = datetime.fromisoformat(opens).replace(tzinfo=REUNION)
    assert clock.next_sms_window("974", instant) == expected


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2040, 12, 31)),
    st.sampled_from(("59", *OVERSEAS)),
)
def test_the_next_sms_window_is_open_and_never_earlier_than_now(moment, department):
    instant = moment.replace(tzinfo=UTC)
    opens = clock.next_sms_window(department, instant)
    assert opens >= instant
    assert clock.sms_window_open(department, opens)
    assert opens - instant < timedelta(days=2, hours=12)


def test_the_window_follows_the_paris_clock_change():
    # Paris moves to summer time on Sunday 30 March 2031: on Monday 08:00 is 06:00 UTC
    assert not clock.sms_window_open("59", utc("2031-03-31T05:59"))
    assert clock.sms_window_open("59", utc("2031-03-31T06:00"))

"""The preparation interview (``entretien``, SPEC §6): the mission locale is invited with an
``.ics`` as soon as a future date is known; a change of date or place re-invites with the same
calendar UID and a higher SEQUENCE; its removal from the roster cancels it (METHOD:CANCEL).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib.domain import clock
from chalicelib.referrals.invitations import calendar_uid
from chalicelib.store.models import Referral
from tests.support import integration as s
from tests.support import timeline as t

BIRTH = date(2014, 9, 1)  # 17 on 1 September 2031: the mission-locale referral is not due yet
PARIS = ZoneInfo("Europe/Paris")
LILLE_ML = t.PARTNER_EMAIL["ML59A"]


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


def invited(**entretien: str) -> dict:
    return s.youth("ENTRET", BIRTH, **entretien)


def only_invitation(messages: list[dict]) -> tuple[dict, object, object]:
    """The one calendar email to the mission locale (reminders have none), its calendar and
    its event."""
    (message,) = [m for m in messages if m["to"] == LILLE_ML and m["attachments"]]
    (attachment,) = message["attachments"]
    assert attachment["content_type"] == "text/calendar"
    calendar = Calendar.from_ical(attachment["content"])
    (event,) = calendar.walk("VEVENT")
    return message, calendar, event


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


@pytest.fixture
def first(timeline) -> tuple[str, object, object]:
    """The first invitation, for 15 April 2031 at 14:30 at the MDS Lille-Sud."""
    row = invited(date_entretien="15/04/2031 14:30", lieu_entretien="MDS Lille-Sud")
    timeline.roster("59", [row], at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))
    message, calendar, event = only_invitation(timeline.new_messages())
    assert message["subject"].startswith("Invitation à un entretien")
    return t.referral_id("ENTRET", "entretien", "ML59A"), calendar, event


def test_a_future_interview_invites_the_mission_locale_with_a_calendar_request(timeline, first):
    referral, calendar, event = first
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == calendar_uid(referral)
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == datetime(2031, 4, 15, 14, 30, tzinfo=PARIS)
    assert str(event["location"]) == "MDS Lille-Sud"
    assert str(event["status"]) == "CONFIRMED"
    # and only the interview is referred for now: the mission-locale referral is due in August
    assert [r.kind for r in t.referrals_of("ENTRET")] == ["entretien"]
    timeline.jobs(today=date(2031, 3, 5))
    assert timeline.new_messages() == []


def test_a_new_date_or_place_re_invites_with_the_same_uid_and_a_higher_sequence(timeline, first):
    referral, _, _ = first
    # When the next roster moves the interview to the 16th at 10:00
    moved = invited(date_entretien="16/04/2031 10:00", lieu_entretien="MDS Lille-Sud")
    timeline.roster("59", [moved], at(date(2031, 3, 10)))
    timeline.jobs(today=date(2031, 3, 10))
    message, calendar, event = only_invitation(timeline.new_messages())
    assert message["subject"].startswith("Modification : invitation")
    assert str(calendar["method"]) == "REQUEST"
    assert (str(event["uid"]), int(event["sequence"])) == (calendar_uid(referral), 1)
    assert event.decoded("dtstart") == datetime(2031, 4, 16, 10, 0, tzinfo=PARIS)
    # When only the place changes
    elsewhere = invited(date_entretien="16/04/2031 10:00", lieu_entretien="Mission locale")
    timeline.roster("59", [elsewhere], at(date(2031, 3, 12)))
    timeline.jobs(today=date(2031, 3, 12))
    _, _, event = only_invitation(timeline.new_messages())
    assert (str(event["uid"]), int(event["sequence"])) == (calendar_uid(referral), 2)
    assert str(event["location"]) == "Mission locale"
    # And the same roster again sends no invitation
    timeline.roster("59", [elsewhere], at(date(2031, 3, 13)))
    timeline.jobs(today=date(2031, 3, 13))
    assert [m for m in timeline.new_messages() if m["attachments"]] == []
    assert int(Referral.get(referral).sequence) == 2


def test_removing_the_interview_from_the_roster_cancels_the_invitation(timeline, first):
    referral, _, _ = first
    timeline.roster("59", [invited()], at(date(2031, 3, 10)))
    timeline.jobs(today=date(2031, 3, 10))
    message, calendar, event = only_invitation(timeline.new_messages())
    assert message["subject"].startswith("Annulation")
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), int(event["sequence"])) == (calendar_uid(referral), 1)
    assert str(event["status"]) == "CANCELLED"
    assert Referral.get(referral).status == "cancelled"
    timeline.jobs(today=date(2031, 3, 11))
    assert timeline.new_messages() == []

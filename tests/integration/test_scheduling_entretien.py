"""The preparation interview (``entretien``, SPEC §6): the mission locale is invited with an
``.ics`` as soon as a future date is known; a change of date or place re-invites with the same
calendar UID and a higher SEQUENCE; its removal from the roster cancels it (METHOD:CANCEL).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib.directory import service as directory
from chalicelib.domain import clock, ids
from chalicelib.referrals.invitations import calendar_uid
from chalicelib.store.models import Message, Referral
from tests.support import events
from tests.support import integration as s
from tests.support import timeline as t
from tests.support.fault_proxy import Fault

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
    # Outlook-style clients need the MIME method to agree with the calendar's METHOD
    assert attachment["method"] == str(calendar["method"])
    assert message["reply_to"] == t.contact_of("59")
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
    # named organizer and attendee; no calendar reply asked: the answer goes through the link
    assert event["organizer"].params["CN"] == "Service ASE – Nord (59)"
    assert str(event["organizer"]) == f"mailto:{t.contact_of('59')}"
    assert event["attendee"].params["CN"] == "Mission locale de Lille"
    assert event["attendee"].params["RSVP"] == "FALSE"
    description = str(event["description"])
    assert t.ack_link(referral) in description
    assert t.contact_of("59") in description and "referent.entret@cd59.example.fr" in description
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
    # the CANCEL carries the event it cancels, not another date
    assert event.decoded("dtstart") == datetime(2031, 4, 15, 14, 30, tzinfo=PARIS)
    assert event.decoded("dtend") == datetime(2031, 4, 15, 15, 30, tzinfo=PARIS)
    assert "mardi 15 avril 2031 à 14 h 30" in message["text"]
    assert "Annulation : entretien de préparation à la majorité du 15/04/2031" in message["subject"]
    assert Referral.get(referral).status == "cancelled"
    timeline.jobs(today=date(2031, 3, 11))
    assert timeline.new_messages() == []


def test_a_referral_and_its_invitation_going_out_together_are_one_email(timeline):
    # Given a youth already past the mission-locale lead time, with an interview on 15 April
    due_now = s.youth("BOTH", date(2014, 3, 20), date_entretien="15/04/2031 14:30")
    timeline.roster("59", [due_now], at(date(2031, 3, 4)))
    # When the day's jobs run (twice)
    timeline.jobs(today=date(2031, 3, 4))
    timeline.jobs(today=date(2031, 3, 4))
    # Then the mission locale got ONE email: the referral, the invitation and its .ics
    (message,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert "invitation à l'entretien du 15/04/2031" in message["subject"]
    referral = t.referral_id("BOTH", "mission_locale", "ML59A")
    invitation = t.referral_id("BOTH", "entretien", "ML59A")
    assert message["ack_url"] == t.ack_link(referral)
    assert t.ack_link(invitation) in message["text"] and t.ack_link(invitation) in message["html"]
    (attachment,) = message["attachments"]
    (event,) = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert str(event["uid"]) == calendar_uid(invitation)
    assert event.decoded("dtstart") == datetime(2031, 4, 15, 14, 30, tzinfo=PARIS)
    assert t.ack_link(invitation) in str(event["description"])
    # And both referrals are sent; their reminders fall on different days
    first, second = Referral.get(referral), Referral.get(invitation)
    assert (first.status, second.status) == ("sent", "sent")
    assert first.followup_at[:10] != second.followup_at[:10]


def test_an_email_carrying_its_invitation_that_bounces_leaves_neither_referral_sent(timeline):
    # Given a referral and its interview invitation sent in one email
    due_now = s.youth("BOUNCE", date(2014, 3, 20), date_entretien="15/04/2031 14:30")
    timeline.roster("59", [due_now], at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))
    referral = t.referral_id("BOUNCE", "mission_locale", "ML59A")
    invitation = t.referral_id("BOUNCE", "entretien", "ML59A")
    message = Message.get(ids.message_id(referral, "initial"))
    # When SES reports that the mission locale's address does not exist
    bounce = {"bounceType": "Permanent", "bounceSubType": "NoEmail"}
    events.publish(
        events.ses_event("Bounce", message, at(date(2031, 3, 4)), **bounce), at(date(2031, 3, 4))
    )
    # Then the invitation, which was in that email, did not arrive either: both are
    # undeliverable and nobody is reminded of them (the digest names the referral, once)
    for referral_id in (referral, invitation):
        stored = Referral.get(referral_id)
        assert stored.status == "undeliverable"
        assert stored.followup_at is None


def test_a_bounced_referral_email_goes_on_by_sms_and_its_invitation_is_undeliverable(timeline):
    # Given a mission locale with a mobile, sent a referral and its invitation in one email
    directory.load("missions-locales", t.ML_CSV_WITH_MOBILE, actor="test")
    due_now = s.youth("BYSMS", date(2014, 3, 20), date_entretien="15/04/2031 14:30")
    timeline.roster("59", [due_now], at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))
    (email,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert email["attachments"]
    referral = t.referral_id("BYSMS", "mission_locale", "ML59A")
    invitation = t.referral_id("BYSMS", "entretien", "ML59A")
    message = Message.get(ids.message_id(referral, "initial"))
    # When SES reports that the mission locale's address does not exist
    bounce = {"bounceType": "Permanent", "bounceSubType": "NoEmail"}
    events.publish(
        events.ses_event("Bounce", message, at(date(2031, 3, 4)), **bounce), at(date(2031, 3, 4))
    )
    timeline.jobs(now=at(date(2031, 3, 4)) + timedelta(minutes=5))
    # Then the referral goes on by SMS, with its own link: an SMS cannot carry the invitation
    fresh = timeline.new_messages()
    (sms,) = [m for m in fresh if m["to"] == t.ML59A_MOBILE]
    assert sms["ack_url"] == t.ack_link(referral)
    assert t.ack_link(invitation) not in sms["text"]
    assert Referral.get(referral).status == "sent"
    assert Message.get(message.message_id).channel == "sms"
    # And the invitation, which never reached the advisor, is undeliverable and never reminded
    stored = Referral.get(invitation)
    assert stored.status == "undeliverable"
    assert stored.followup_at is None
    # And the department's alert digest of the day says so, with what to do
    (digest,) = [m for m in fresh if m["to"] == t.contact_of("59")]
    assert (
        "Le courriel portant l'invitation à l'entretien de préparation à la majorité n'a pas pu "
        "être remis à Mission locale de Lille" in " ".join(digest["text"].split())
    )
    assert "Contactez le partenaire directement" in digest["text"]
    # And a week later the mission locale is reminded of the referral only
    timeline.jobs(today=date(2031, 3, 11))
    timeline.jobs(today=date(2031, 3, 12))
    later = [m for m in timeline.new_messages() if m["to"] in (LILLE_ML, t.ML59A_MOBILE)]
    assert [m["ack_url"] for m in later] == [t.ack_link(referral)]


def test_a_referral_email_refused_at_sending_goes_by_sms_and_its_invitation_is_undeliverable(
    timeline,
):
    directory.load("missions-locales", t.ML_CSV_WITH_MOBILE, actor="test")
    due_now = s.youth("REFUSED", date(2014, 3, 20), date_entretien="15/04/2031 14:30")
    timeline.roster("59", [due_now], at(date(2031, 3, 4)))
    # When SES refuses the email carrying the referral and its invitation
    with t.behind_proxy() as proxy:
        proxy.script("ses:SendRawEmail", Fault(400, "MessageRejected", False))
        timeline.jobs(today=date(2031, 3, 4))
    # Then the referral goes by SMS in the same run, and the invitation is never marked sent
    fresh = timeline.new_messages()
    (sms,) = [m for m in fresh if m["to"] == t.ML59A_MOBILE]
    referral = t.referral_id("REFUSED", "mission_locale", "ML59A")
    invitation = t.referral_id("REFUSED", "entretien", "ML59A")
    assert sms["ack_url"] == t.ack_link(referral)
    assert (Referral.get(referral).status, Referral.get(referral).channel) == ("sent", "sms")
    stored = Referral.get(invitation)
    assert (stored.status, stored.followup_at) == ("undeliverable", None)
    assert [h["status"] for h in stored.history] == ["pending", "undeliverable"]
    (digest,) = [m for m in fresh if m["to"] == t.contact_of("59")]
    assert "MESSAGES NON DISTRIBUÉS (1)" in digest["text"]

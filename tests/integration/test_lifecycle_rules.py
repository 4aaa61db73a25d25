"""The lifecycle rules of SPEC §6, each a guarded transition: a youth's exit and return, consent
withdrawn, answers that win over late delivery events, retention that follows the youth.

Time travel with ``jobs run --today`` (10:00 in Paris): a mission-locale referral of a youth born on
3 April 2014 is due on 4 March 2031 (a Tuesday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib import jobs, tokens
from chalicelib.ack import service as ack
from chalicelib.domain import clock, ids
from chalicelib.store.models import Alert, Message, Referral, Youth
from tests.support import events
from tests.support import integration as s
from tests.support import timeline as t

BIRTH = date(2014, 4, 3)  # the mission-locale referral is due on 4 March 2031
LILLE_ML = t.PARTNER_EMAIL["ML59A"]
PARIS = ZoneInfo("Europe/Paris")
OTHERS = [s.youth(f"STAY{n}", date(2015, 9, 1)) for n in range(5)]  # not due: the roster's rest


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


def kept(*rows: dict) -> list[dict]:
    return [*OTHERS, *rows]


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def test_a_youth_who_leaves_before_its_referral_goes_out_and_comes_back_is_referred_anew(
    timeline,
):
    row = s.youth("BACK", BIRTH)
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    jobs.daily_scan(at(date(2031, 3, 4)))  # created, not sent yet (as if waiting for a window)
    first = t.referral_id("BACK", "mission_locale", "ML59A")
    assert Referral.get(first).status == "pending"
    # When the youth leaves the roster, then comes back
    timeline.roster("59", kept(), at(date(2031, 3, 4)))
    assert Referral.get(first).status == "cancelled"
    timeline.roster("59", kept(row), at(date(2031, 3, 5)))
    timeline.jobs(today=date(2031, 3, 5))
    # Then a new referral (a new id) goes out with its own link, and the cancelled one stays so
    (again,) = [r for r in t.referrals_of("BACK") if r.referral_id != first]
    assert again.status == "sent"
    assert [m["ack_url"] for m in timeline.new_messages()] == [t.ack_link(again.referral_id)]
    assert Referral.get(first).status == "cancelled"
    assert Youth.get("59", "BACK").due_at is None


def test_an_exited_youth_is_no_longer_chased_and_its_interview_is_cancelled_on_its_own_date(
    timeline,
):
    row = s.youth("GONE", BIRTH, date_entretien="15/04/2031 14:30", lieu_entretien="MDS Lille")
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.new_messages()
    referral = t.referral_id("GONE", "mission_locale", "ML59A")
    assert Referral.get(referral).status == "sent"
    # When the youth leaves the roster the next day
    timeline.roster("59", kept(), at(date(2031, 3, 5)))
    timeline.jobs(today=date(2031, 3, 5))
    # Then the mission locale receives the CANCEL of the very event it was invited to
    (cancel,) = [m for m in timeline.new_messages() if m["attachments"]]
    assert cancel["to"] == LILLE_ML
    (attachment,) = cancel["attachments"]
    calendar = Calendar.from_ical(attachment["content"])
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    start = event.decoded("dtstart")
    assert start.astimezone(PARIS).replace(tzinfo=None) == datetime(2031, 4, 15, 14, 30)
    assert event.decoded("dtend") > start
    # And neither a reminder nor an escalation follows, while the link still answers
    for day in (date(2031, 3, 11), date(2031, 3, 18), date(2031, 4, 18)):
        timeline.jobs(today=day)
    assert [m for m in timeline.new_messages() if m["to"] == LILLE_ML] == []
    assert Referral.get(referral).status == "sent"
    assert timeline.answer(referral, "accepte", at(date(2031, 3, 20))) == 200


def test_a_youth_back_after_an_exit_is_chased_again_for_its_sent_referral(timeline):
    row = s.youth("ROUND", BIRTH)
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.roster("59", kept(), at(date(2031, 3, 5)))
    timeline.jobs(today=date(2031, 3, 11))
    timeline.new_messages()
    # When the youth comes back
    timeline.roster("59", kept(row), at(date(2031, 3, 12)))
    timeline.jobs(today=date(2031, 3, 12))
    # Then the reminder it missed goes to the partner, with the same link
    referral = t.referral_id("ROUND", "mission_locale", "ML59A")
    (reminder,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert reminder["ack_url"] == t.ack_link(referral)


def test_withdrawn_consent_removes_the_youths_contact_from_pages_and_reminders_at_once(timeline):
    contact = {"telephone": "06 12 34 56 78", "email": "jeune.consent@example.org"}
    row = s.youth("CONSENT", BIRTH, consentement="oui", **contact)
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    (sent,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert "jeune.consent@example.org" in sent["text"]
    referral = t.referral_id("CONSENT", "mission_locale", "ML59A")
    # When the next roster says the youth no longer consents
    timeline.roster("59", kept({**row, "consentement": "non"}), at(date(2031, 3, 6)))
    # Then the partner's page and the reminder no longer show its phone or email
    page = ack.view(tokens.token_for(referral), at(date(2031, 3, 6)))
    assert page.status == 200
    assert "jeune.consent@example.org" not in page.html and "12 34 56 78" not in page.html
    timeline.jobs(today=date(2031, 3, 11))
    (reminder,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert "jeune.consent@example.org" not in reminder["text"] + reminder["html"]
    assert "12 34 56 78" not in reminder["text"] + reminder["html"]


def test_an_email_sent_again_after_a_soft_bounce_follows_the_consent_withdrawn_meanwhile(
    timeline,
):
    contact = {"telephone": "06 12 34 56 78", "email": "jeune.consent@example.org"}
    row = s.youth("SOFT", BIRTH, consentement="oui", **contact)
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    sent_at = at(date(2031, 3, 4))
    timeline.jobs(now=sent_at)
    (sent,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert "jeune.consent@example.org" in sent["text"]
    referral = t.referral_id("SOFT", "mission_locale", "ML59A")
    # Given the youth's consent withdrawn after the email went out
    timeline.roster("59", kept({**row, "consentement": "non"}), sent_at + timedelta(hours=1))
    # When SES reports a soft bounce of that email, and it is sent again an hour later
    message = Message.get(ids.message_id(referral, "initial"))
    transient = {"bounceType": "Transient", "bounceSubType": "MailboxFull"}
    bounced_at = sent_at + timedelta(hours=2)
    events.publish(events.ses_event("Bounce", message, bounced_at, **transient), bounced_at)
    timeline.jobs(now=bounced_at + timedelta(hours=1))
    # Then the email sent again no longer shows the youth's phone or email
    (again,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert again["ack_url"] == t.ack_link(referral)
    assert "jeune.consent@example.org" not in again["text"] + again["html"]
    assert "12 34 56 78" not in again["text"] + again["html"]


def test_an_answer_wins_over_a_bounce_that_arrives_after_it(timeline):
    timeline.roster("59", kept(s.youth("LATE", BIRTH)), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    referral = t.referral_id("LATE", "mission_locale", "ML59A")
    message = Message.get(ids.message_id(referral, "initial"))
    assert timeline.answer(referral, "accepte", at(date(2031, 3, 5))) == 200
    # When SES reports a permanent bounce of that email, late
    bounce = {"bounceType": "Permanent", "bounceSubType": "General"}
    events.publish(
        events.ses_event("Bounce", message, at(date(2031, 3, 6)), **bounce), at(date(2031, 3, 6))
    )
    # Then the answer and the status stand, the link still opens, the event is on the message
    stored = Referral.get(referral)
    assert stored.status == "acknowledged" and stored.answer["reponse"] == "accepte"
    assert ack.view(tokens.token_for(referral), at(date(2031, 3, 6))).status == 200
    history = [h["status"] for h in Message.get(message.message_id).history]
    assert "bounce_permanent" in history
    timeline.jobs(today=date(2031, 3, 7))
    assert all("NON DISTRIBUÉ" not in m["text"] for m in timeline.new_messages())


def test_a_referral_and_its_messages_expire_with_the_youth_that_left(timeline):
    timeline.roster("59", kept(s.youth("TTL", BIRTH)), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    referral = t.referral_id("TTL", "mission_locale", "ML59A")
    assert Referral.get(referral).expires_at == Youth.get("59", "TTL").expires_at
    # When the youth leaves (its data is kept retention_months from today, not from 21)
    timeline.roster("59", kept(), at(date(2031, 3, 5)))
    youth = Youth.get("59", "TTL")
    assert youth.expires_at < datetime(2033, 4, 1, tzinfo=youth.expires_at.tzinfo)
    # Then its referral and every message about it expire with it
    assert Referral.get(referral).expires_at == youth.expires_at
    about = [m for m in Message.scan() if m.youth_key == ids.youth_key("59", "TTL")]
    assert about and {m.expires_at for m in about} == {youth.expires_at}


def test_the_alerts_naming_a_youth_and_their_digest_expire_with_the_youth_that_left(timeline):
    timeline.roster("59", kept(s.youth("ALERTED", BIRTH)), at(date(2031, 3, 3)))
    for day in (date(2031, 3, 4), date(2031, 3, 11), date(2031, 3, 18), date(2031, 3, 19)):
        timeline.jobs(today=day)  # sent, reminded, escalated: the department is alerted
    referral = t.referral_id("ALERTED", "mission_locale", "ML59A")
    (alert,) = [a for a in Alert.scan() if a.referral_id == referral]
    assert alert.kind == "escalated" and alert.digest_id
    # When the youth leaves (kept retention_months from today, no longer from its 21st birthday)
    timeline.roster("59", kept(), at(date(2031, 3, 20)))
    youth = Youth.get("59", "ALERTED")
    assert youth.expires_at < alert.expires_at
    # Then the alert naming it, and the digest that listed it, go no later than the youth
    assert Alert.get("59", alert.alert_id).expires_at == youth.expires_at
    assert Message.get(alert.digest_id).expires_at <= youth.expires_at


def test_every_message_about_a_youth_carries_its_key_for_erasure(timeline):
    timeline.roster("59", kept(s.youth("KEYED", BIRTH)), at(date(2031, 3, 3)))
    for day in (date(2031, 3, 4), date(2031, 3, 11), date(2031, 3, 18)):
        timeline.jobs(today=day)
    referral = t.referral_id("KEYED", "mission_locale", "ML59A")
    mine = [m for m in Message.scan() if m.referral_id == referral]
    assert {m.purpose for m in mine} >= {"referral", "reminder", "escalation"}
    assert {m.youth_key for m in mine} == {ids.youth_key("59", "KEYED")}

"""SES delivery events (SPEC §4, §6): bounce, complaint and delivery notifications of the SES
configuration set reach the ``ses_events`` handler through the SNS topic (and, locally, the SQS
queue the event pump drains). A hard bounce tries the partner's other channel, else makes the
referral ``undeliverable`` and alerts the department; a soft bounce sends again later; an event
older than the last one applied is ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.delivery import events, outcomes
from chalicelib.departments import service as departments
from chalicelib.directory import service as directory
from chalicelib.domain import clock, ids
from chalicelib.roster import erasure
from chalicelib.store import messages as message_store
from chalicelib.store.models import Alert, Message, Referral
from tests.support import integration as s
from tests.support import timeline as t
from tests.support.events import publish, ses_event

SENT_AT = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Lille
BIRTH = date(2014, 4, 3)  # due on 4 March 2031
PARTNER_MOBILE = "+33612345678"
ML_WITH_MOBILE = (
    b"code_ml,nom,email,telephone,canal\n"
    b"ML59A,Mission locale de Lille,accueil@ml-lille.example.fr,06 12 34 56 78,email\n"
    b"ML59B,Mission locale de Roubaix,contact@ml-roubaix.example.fr,,email\n"
)
DEPARTMENT = t.contact_of("59")


@pytest.fixture
def timeline(client) -> t.Timeline:
    world = t.Timeline.open()
    directory.load("missions-locales", ML_WITH_MOBILE, actor="test")
    return world


def send_one(timeline: t.Timeline, commune: str) -> tuple[Message, str]:
    timeline.roster("59", [s.youth("BOUNCE", BIRTH, commune=commune)], SENT_AT)
    timeline.jobs(now=SENT_AT)
    (referral,) = t.referrals_of("BOUNCE")
    message = Message.get(ids.message_id(referral.referral_id, "initial"))
    assert message.status == "sent" and message.provider_id
    (email,) = timeline.new_messages()
    assert email["channel"] == "email"
    return message, referral.referral_id


def test_a_hard_bounce_sends_the_referral_by_sms_when_the_partner_has_a_mobile(timeline):
    message, referral = send_one(timeline, "59350")
    # When SES reports a permanent bounce of the email
    bounce = {"bounceType": "Permanent", "bounceSubType": "General"}
    assert (
        publish(
            ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), **bounce),
            SENT_AT + timedelta(minutes=2),
        )
        == 1
    )
    # Then the next dispatch sends the same referral by SMS, with the same link
    timeline.jobs(now=SENT_AT + timedelta(minutes=5))
    (sms,) = timeline.new_messages()
    assert (sms["channel"], sms["to"]) == ("sms", PARTNER_MOBILE)
    assert sms["ack_url"] == t.ack_link(referral)
    stored = Message.get(message.message_id)
    assert (stored.status, stored.channel) == ("sent", "sms")
    assert "bounce_permanent" in [h["status"] for h in stored.history]
    assert Referral.get(referral).status == "sent"


def test_a_hard_bounce_without_another_channel_makes_the_referral_undeliverable(timeline):
    message, referral = send_one(timeline, "59512")  # Roubaix: email only
    bounce = {"bounceType": "Permanent", "bounceSubType": "NoEmail"}
    publish(
        ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), **bounce),
        SENT_AT + timedelta(minutes=2),
    )
    # Then the referral is undeliverable and the department is alerted, once
    assert Referral.get(referral).status == "undeliverable"
    timeline.jobs(now=SENT_AT + timedelta(minutes=5))
    timeline.jobs(now=SENT_AT + timedelta(days=8))
    (alert,) = timeline.new_messages()
    assert alert["to"] == DEPARTMENT
    assert alert["subject"].endswith("1 alerte à traiter au 04/03/2031")
    assert "MESSAGES NON DISTRIBUÉS (1)" in alert["text"]
    history = [h["status"] for h in Referral.get(referral).history]
    assert history == ["pending", "sent", "undeliverable"]


def test_a_soft_bounce_sends_the_email_again_an_hour_later(timeline):
    message, referral = send_one(timeline, "59512")
    bounced_at = SENT_AT + timedelta(minutes=2)
    transient = {"bounceType": "Transient", "bounceSubType": "MailboxFull"}
    publish(ses_event("Bounce", message, bounced_at, **transient), bounced_at)
    timeline.jobs(now=bounced_at + timedelta(minutes=59))
    assert timeline.new_messages() == []
    # When the hour has passed
    timeline.jobs(now=bounced_at + timedelta(hours=1))
    (again,) = timeline.new_messages()
    assert again["to"] == t.PARTNER_EMAIL["ML59B"]
    assert again["ack_url"] == t.ack_link(referral)
    stored = Message.get(message.message_id)
    assert stored.status == "sent" and int(stored.attempts) == 2
    assert Referral.get(referral).status == "sent"


def test_an_event_older_than_the_last_one_applied_is_ignored(timeline):
    message, referral = send_one(timeline, "59512")
    # Given the delivery reported at 09:10
    publish(
        ses_event("Delivery", message, SENT_AT + timedelta(minutes=10)),
        SENT_AT + timedelta(minutes=10),
    )
    # When a bounce dated 09:05 arrives late, then the same delivery event again
    bounce = {"bounceType": "Permanent", "bounceSubType": "General"}
    publish(
        ses_event("Bounce", message, SENT_AT + timedelta(minutes=5), **bounce),
        SENT_AT + timedelta(minutes=5),
    )
    publish(
        ses_event("Delivery", message, SENT_AT + timedelta(minutes=10)),
        SENT_AT + timedelta(minutes=10),
    )
    # Then nothing changed: the message stays sent, the referral too, no alert
    stored = Message.get(message.message_id)
    assert [h["status"] for h in stored.history] == ["pending", "sent", "delivered"]
    assert stored.status == "sent"
    assert Referral.get(referral).status == "sent"
    timeline.jobs(now=SENT_AT + timedelta(hours=1))
    assert timeline.new_messages() == []


def test_a_complaint_is_recorded_without_changing_the_referral(timeline):
    message, referral = send_one(timeline, "59512")
    publish(
        ses_event("Complaint", message, SENT_AT + timedelta(hours=3)), SENT_AT + timedelta(hours=3)
    )
    stored = Message.get(message.message_id)
    assert [h["status"] for h in stored.history][-1] == "complaint"
    assert Referral.get(referral).status == "sent"


def test_events_of_other_senders_or_without_our_tag_are_ignored(timeline):
    message, _ = send_one(timeline, "59512")
    event = ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), bounceType="Permanent")
    del event["mail"]["tags"]["relais_message"]
    publish(event, SENT_AT + timedelta(minutes=2))
    stored = Message.get(message.message_id)
    assert stored.status == "sent" and stored.last_event_at is None


def handled(event: dict, now: datetime) -> str:
    """What the SES events handler makes of ``event`` at ``now`` (called as the Lambda does)."""
    with clock.stands_at(now):
        return events.handle(json.dumps(event))


def test_an_event_dated_far_ahead_is_recorded_and_ignored_and_later_events_still_count(timeline):
    message, referral = send_one(timeline, "59512")  # Roubaix: email only
    bounce = {"bounceType": "Permanent", "bounceSubType": "General"}
    # When a bounce dated 2099 arrives, then the genuine one
    far = ses_event("Bounce", message, datetime(2099, 1, 1, tzinfo=UTC), **bounce)
    assert handled(far, SENT_AT + timedelta(minutes=1)) == "ignored"
    genuine = ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), **bounce)
    assert handled(genuine, SENT_AT + timedelta(minutes=3)) == "undeliverable"
    # Then the first is only in the history (at its reception), the second was applied
    stored = Message.get(message.message_id)
    assert stored.last_event_at.startswith("2031-03-04T09:02")
    statuses = [h["status"] for h in stored.history]
    assert statuses[:3] == ["pending", "sent", "bounce_out_of_range"]
    assert Referral.get(referral).status == "undeliverable"


@pytest.mark.parametrize(
    "stamp",
    [
        "9999-12-31T23:59:59.000Z",
        "0001-01-01T00:00:00.000+05:00",
        "2031-03-02T08:00:00.000Z",  # two days before the send
    ],
)
def test_an_event_dated_out_of_range_crashes_nothing_and_changes_nothing(timeline, stamp):
    message, referral = send_one(timeline, "59512")
    bounce = ses_event("Bounce", message, SENT_AT, bounceType="Permanent")
    bounce["bounce"]["timestamp"] = stamp
    assert handled(bounce, SENT_AT + timedelta(minutes=5)) == "ignored"
    assert Message.get(message.message_id).status == "sent"
    assert Referral.get(referral).status == "sent"


def test_a_flood_of_out_of_range_events_is_recorded_a_bounded_number_of_times(timeline):
    message, _ = send_one(timeline, "59512")
    for year in range(2040, 2060):
        late = ses_event("Delivery", message, datetime(year, 1, 1, tzinfo=UTC))
        assert handled(late, SENT_AT + timedelta(minutes=5)) == "ignored"
    history = Message.get(message.message_id).history
    assert len(history) == 2 + message_store.MAX_IGNORED_EVENTS


def test_a_forged_soft_bounce_without_the_send_s_id_does_not_send_again(timeline):
    message, _ = send_one(timeline, "59512")
    transient = {"bounceType": "Transient", "bounceSubType": "MailboxFull"}
    for minutes, provider_id in ((2, None), (3, "0100017f-not-ours")):
        forged = ses_event("Bounce", message, SENT_AT + timedelta(minutes=minutes), **transient)
        forged["mail"]["messageId"] = provider_id
        assert handled(forged, SENT_AT + timedelta(minutes=3)) == "recorded"
    timeline.jobs(now=SENT_AT + timedelta(hours=3))
    assert timeline.new_messages() == []
    assert Message.get(message.message_id).status == "sent"


def test_a_replayed_soft_bounce_sends_the_email_again_once_only(timeline):
    message, _ = send_one(timeline, "59512")
    transient = {"bounceType": "Transient", "bounceSubType": "MailboxFull"}
    bounced_at = SENT_AT + timedelta(minutes=2)
    assert handled(ses_event("Bounce", message, bounced_at, **transient), bounced_at) == "retry"
    timeline.jobs(now=bounced_at + timedelta(hours=1))
    (again,) = timeline.new_messages()
    assert again["to"] == t.PARTNER_EMAIL["ML59B"]
    # When the same bounce (the first send's id) is replayed with ever newer dates
    for minutes in range(70, 80):
        replay = ses_event("Bounce", message, SENT_AT + timedelta(minutes=minutes), **transient)
        assert handled(replay, SENT_AT + timedelta(minutes=minutes)) == "recorded"
        timeline.jobs(now=SENT_AT + timedelta(minutes=minutes, hours=1))
    # Then nothing more goes out: the second send has its own id
    assert timeline.new_messages() == []
    stored = Message.get(message.message_id)
    assert stored.status == "sent" and int(stored.attempts) == 2


def test_a_bounce_racing_the_youth_s_erasure_leaves_nothing_of_the_youth(timeline):
    message, _ = send_one(timeline, "59512")  # Roubaix: email only, a bounce raises an alert
    # Given the bounce handler read the message just before the youth was erased
    erased_at = SENT_AT + timedelta(minutes=3)
    erasure.erase("59", "BOUNCE", actor="test", now=erased_at)
    # When it goes on with what it read
    outcomes.hard_bounce(departments.get("59"), message, erased_at)
    # Then no alert names the erased youth, and its message was not written back
    assert list(Alert.query("59")) == []
    with pytest.raises(Message.DoesNotExist):
        Message.get(message.message_id)

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

import app as application
from chalicelib import aws, settings
from chalicelib.directory import service as directory
from chalicelib.local import pump
from chalicelib.referrals import ids
from chalicelib.store.models import Message, Referral
from tests.integration import support as s
from tests.reliability import timeline as t

SENT_AT = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Lille
BIRTH = date(2014, 4, 3)  # due on 4 March 2031
PARTNER_MOBILE = "+33612345678"
ML_WITH_MOBILE = (
    b"code_ml,nom,email,telephone,canal\n"
    b"ML59A,Mission locale de Lille,accueil@ml-lille.example.fr,06 12 34 56 78,email\n"
    b"ML59B,Mission locale de Roubaix,contact@ml-roubaix.example.fr,,email\n"
)
DEPARTMENT = t.contact_of("59")


def ses_event(kind: str, message: Message, at: datetime, **section: object) -> dict:
    """A configuration-set event as SES publishes it to SNS."""
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mail = {
        "timestamp": SENT_AT.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "source": settings.current().ses_sender,
        "sourceArn": "arn:aws:ses:eu-west-3:123456789012:identity/relais-ase.example.fr",
        "sendingAccountId": "123456789012",
        "messageId": message.provider_id,
        "destination": list(message.recipients),
        "headersTruncated": False,
        "tags": {
            "ses:configuration-set": [settings.current().ses_configuration_set],
            "ses:source-ip": ["192.0.2.10"],
            "relais_message": [message.message_id],
        },
    }
    details: dict = {"timestamp": stamp, **section}
    if kind == "Bounce":
        details.setdefault("feedbackId", "0102017f-bounce")
        details.setdefault(
            "bouncedRecipients",
            [{"emailAddress": message.recipients[0], "action": "failed", "status": "5.1.1"}],
        )
    if kind == "Delivery":
        details.setdefault("processingTimeMillis", 812)
        details.setdefault("recipients", list(message.recipients))
    return {"eventType": kind, "mail": mail, kind.lower(): details}


def publish(event: dict) -> int:
    """Publish to the SES events topic; the local pump hands it to the handler."""
    sns = aws.client("sns")
    topic = sns.create_topic(Name=settings.current().ses_events_topic)["TopicArn"]
    sns.publish(TopicArn=topic, Message=json.dumps(event))
    return pump.drain(application)


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
    assert publish(ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), **bounce)) == 1
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
    publish(ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), **bounce))
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
    publish(ses_event("Bounce", message, bounced_at, **transient))
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
    publish(ses_event("Delivery", message, SENT_AT + timedelta(minutes=10)))
    # When a bounce dated 09:05 arrives late, then the same delivery event again
    bounce = {"bounceType": "Permanent", "bounceSubType": "General"}
    publish(ses_event("Bounce", message, SENT_AT + timedelta(minutes=5), **bounce))
    publish(ses_event("Delivery", message, SENT_AT + timedelta(minutes=10)))
    # Then nothing changed: the message stays sent, the referral too, no alert
    stored = Message.get(message.message_id)
    assert [h["status"] for h in stored.history] == ["pending", "sent", "delivered"]
    assert stored.status == "sent"
    assert Referral.get(referral).status == "sent"
    timeline.jobs(now=SENT_AT + timedelta(hours=1))
    assert timeline.new_messages() == []


def test_a_complaint_is_recorded_without_changing_the_referral(timeline):
    message, referral = send_one(timeline, "59512")
    publish(ses_event("Complaint", message, SENT_AT + timedelta(hours=3)))
    stored = Message.get(message.message_id)
    assert [h["status"] for h in stored.history][-1] == "complaint"
    assert Referral.get(referral).status == "sent"


def test_events_of_other_senders_or_without_our_tag_are_ignored(timeline):
    message, _ = send_one(timeline, "59512")
    event = ses_event("Bounce", message, SENT_AT + timedelta(minutes=2), bounceType="Permanent")
    del event["mail"]["tags"]["relais_message"]
    publish(event)
    stored = Message.get(message.message_id)
    assert stored.status == "sent" and stored.last_event_at is None

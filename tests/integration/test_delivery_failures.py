"""Errors of SES and SNS at send time (SPEC §6): a permanent one (invalid number, rejected
message) tries the partner's other channel, else makes the referral ``undeliverable`` and alerts
the department; transient ones are retried, at most ``MAX_ATTEMPTS`` times, then ``failed``.

The product talks to the embedded endpoint through the fault proxy, which answers the scripted
calls with the error AWS would return (never forwarding them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.delivery.outcomes import MAX_ATTEMPTS
from chalicelib.directory import service as directory
from chalicelib.referrals import ids
from chalicelib.store.models import Message, Referral
from tests.integration import support as s
from tests.reliability import timeline as t
from tests.reliability.fault_proxy import Fault

BIRTH = date(2014, 4, 3)  # due on 4 March 2031
REUNION_MORNING = datetime(2031, 3, 4, 6, 0, tzinfo=UTC)  # Tuesday 10:00 in La Réunion
BOTO_ATTEMPTS = 6  # chalicelib.aws: standard retry mode, a call and its 5 retries
INVALID_NUMBER = Fault(400, "InvalidParameter", False)
REJECTED = Fault(400, "MessageRejected", False)
UNAVAILABLE = Fault(503, "ServiceUnavailable", False)
SMS_ONLY = (
    b"code_ml,nom,email,telephone,canal\n"
    b"ML974,Mission locale Nord R\xc3\xa9union,,0692000001,sms\n"
    b"ML59A,Mission locale de Lille,accueil@ml-lille.example.fr,,email\n"
    b"ML59B,Mission locale de Roubaix,contact@ml-roubaix.example.fr,,email\n"
)


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open(("59", "974"))


@pytest.fixture
def proxy(timeline):
    with t.behind_proxy() as running:
        yield running


def initial_message(id_externe: str, code: str) -> Message:
    (referral,) = t.referrals_of(id_externe, code)
    return Message.get(ids.message_id(referral.referral_id, "initial"))


def test_an_invalid_number_sends_the_referral_by_email_when_the_partner_has_one(timeline, proxy):
    timeline.roster("974", [s.youth("SMSBAD", BIRTH, commune="97411")], REUNION_MORNING)
    # When SNS refuses the partner's number
    proxy.script("sns:Publish", INVALID_NUMBER)
    timeline.jobs(now=REUNION_MORNING)
    # Then the referral goes by email instead, with its link, in the same run
    (email,) = timeline.new_messages()
    message = initial_message("SMSBAD", "974")
    assert (email["channel"], email["to"]) == ("email", "mlnord@ml-reunion.example.re")
    assert email["ack_url"] == t.ack_link(message.referral_id)
    assert (message.status, message.channel, message.last_error) == (
        "sent",
        "email",
        "InvalidParameter",
    )
    assert Referral.get(message.referral_id).status == "sent"


def test_an_invalid_number_of_an_sms_only_partner_makes_the_referral_undeliverable(timeline, proxy):
    directory.load("missions-locales", SMS_ONLY, actor="test")
    timeline.roster("974", [s.youth("SMSONLY", BIRTH, commune="97411")], REUNION_MORNING)
    proxy.script("sns:Publish", INVALID_NUMBER)
    timeline.jobs(now=REUNION_MORNING)
    timeline.jobs(now=REUNION_MORNING + timedelta(hours=2))
    # Then nothing reached the partner, the referral is undeliverable, the department alerted once
    (alert,) = timeline.new_messages()
    assert alert["to"] == t.contact_of("974")
    assert alert["subject"].endswith("1 alerte à traiter au 04/03/2031")
    assert "MESSAGES NON DISTRIBUÉS (1)" in alert["text"]
    message = initial_message("SMSONLY", "974")
    assert (message.status, message.last_error) == ("undeliverable", "InvalidParameter")
    assert Referral.get(message.referral_id).status == "undeliverable"


def test_a_message_rejected_by_ses_makes_the_referral_undeliverable(timeline, proxy):
    sent_at = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    timeline.roster("59", [s.youth("REJECT", BIRTH, commune="59512")], sent_at)
    proxy.script("ses:SendRawEmail", REJECTED)
    timeline.jobs(now=sent_at)
    (alert,) = timeline.new_messages()
    assert alert["to"] == t.contact_of("59")
    message = initial_message("REJECT", "59")
    assert message.status == "undeliverable" and int(message.attempts) == 1
    assert Referral.get(message.referral_id).status == "undeliverable"


def test_transient_errors_are_retried_at_most_max_attempts_times_then_the_referral_fails(
    timeline, proxy
):
    sent_at = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    timeline.roster("59", [s.youth("FLAKY", BIRTH, commune="59512")], sent_at)
    # Given SES unavailable for every attempt of this message (each attempt: boto's retries)
    proxy.script("ses:SendRawEmail", UNAVAILABLE, times=MAX_ATTEMPTS * BOTO_ATTEMPTS)
    # When the jobs run every 20 minutes for two hours
    for step in range(7):
        timeline.jobs(now=sent_at + step * timedelta(minutes=20))
    # Then the message was tried MAX_ATTEMPTS times, the referral failed, the department alerted
    message = initial_message("FLAKY", "59")
    assert (message.status, int(message.attempts)) == ("failed", MAX_ATTEMPTS)
    assert Referral.get(message.referral_id).status == "failed"
    (alert,) = timeline.new_messages()
    assert alert["to"] == t.contact_of("59")
    assert alert["subject"].endswith("1 alerte à traiter au 04/03/2031")
    assert "ENVOIS EN ÉCHEC (1)" in alert["text"]
    calls = proxy.tally.summary()["by_operation"]["ses:SendRawEmail"]
    failing = MAX_ATTEMPTS * BOTO_ATTEMPTS
    assert calls == {"calls": failing + 1, "failures": failing}  # + the digest, delivered

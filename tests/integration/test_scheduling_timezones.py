"""Each department lives on its own clock (SPEC §6): "today" is its local date, and SMS go only
08:00–20:00 local time, Monday to Saturday. Time travel with ``jobs run --now``.

La Réunion (974, UTC+4) answers by SMS; Guadeloupe (971, UTC−4) and the Nord (59, UTC+1 in
March) by email. The three youths below turn 17 on 3 April 2031: due on 4 March 2031.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.messages import sms as gsm
from chalicelib.store.models import Message
from tests.support import integration as s
from tests.support import timeline as t

BIRTH = date(2014, 4, 3)  # 17 on 3 April 2031: due on 4 March 2031
UPLOADED = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def timeline(client) -> t.Timeline:
    world = t.Timeline.open(("59", "974", "971"))
    world.roster("59", [s.youth("NORD1", BIRTH, commune="59350")], UPLOADED)
    world.roster("974", [s.youth("REUN1", BIRTH, commune="97411")], UPLOADED)
    world.roster("971", [s.youth("GUAD1", BIRTH, commune="97101")], UPLOADED)
    return world


def created(id_externe: str, code: str) -> bool:
    return bool(t.referrals_of(id_externe, code))


def test_each_department_is_due_on_its_own_local_date(timeline):
    # 21:30 UTC on 3 March: already 4 March (01:30) in La Réunion, still 3 March elsewhere
    timeline.jobs(now=utc("2031-03-03T21:30"))
    assert [created("REUN1", "974"), created("NORD1", "59"), created("GUAD1", "971")] == [
        True,
        False,
        False,
    ]
    # 02:00 UTC on 4 March: 03:00 in Lille, 22:00 on 3 March in Guadeloupe
    timeline.jobs(now=utc("2031-03-04T02:00"))
    assert [created("NORD1", "59"), created("GUAD1", "971")] == [True, False]
    emails = timeline.new_messages()
    assert [m["to"] for m in emails] == [t.PARTNER_EMAIL["ML59A"]]  # email goes at night
    # 04:00 UTC on 4 March: midnight in Guadeloupe, 08:00 in La Réunion
    timeline.jobs(now=utc("2031-03-04T04:00"))
    assert created("GUAD1", "971")
    sent = {m["channel"]: m["to"] for m in timeline.new_messages()}
    assert sent == {"email": t.PARTNER_EMAIL["ML971"], "sms": t.ML974_MOBILE}
    # 05:00 UTC, the daily scan's hour: the same date everywhere; nothing is left to send
    timeline.jobs(now=utc("2031-03-04T05:00"))
    assert timeline.new_messages() == []


def test_an_sms_due_on_saturday_evening_waits_for_monday_08_00_local(timeline):
    # Given the Réunion youth due since 4 March, first seen by the jobs on Saturday 8 March at
    # 21:00 local time (17:00 UTC), past the SMS window
    timeline.jobs(now=utc("2031-03-08T17:00"))
    (referral,) = t.referrals_of("REUN1", "974")
    assert referral.status == "pending"
    (message,) = t.messages_of(referral.referral_id)
    assert message.channel == "sms"
    assert message.dispatch_at == "2031-03-10T04:00:00Z"  # Monday 08:00 in La Réunion
    assert [m for m in timeline.new_messages() if m["channel"] == "sms"] == []
    # When the jobs run on Sunday at noon and on Monday at 07:59 local time, nothing is sent
    timeline.jobs(now=utc("2031-03-09T08:00"))
    timeline.jobs(now=utc("2031-03-10T03:59"))
    assert [m for m in timeline.new_messages() if m["channel"] == "sms"] == []
    # Then on Monday at 08:00 local time the SMS goes, once
    timeline.jobs(now=utc("2031-03-10T04:00"))
    timeline.jobs(now=utc("2031-03-10T06:00"))
    (sms,) = [m for m in timeline.new_messages() if m["channel"] == "sms"]
    assert sms["to"] == t.ML974_MOBILE
    assert sms["ack_url"] == t.ack_link(referral.referral_id)
    assert Message.get(message.message_id).sent_at == "2031-03-10T04:00:00Z"


def test_the_partner_sms_is_gsm7_carries_the_link_and_fits_two_segments(timeline):
    timeline.jobs(now=utc("2031-03-04T06:00"))  # 10:00 in La Réunion, a Tuesday
    (sms,) = [m for m in timeline.new_messages() if m["channel"] == "sms"]
    (referral,) = t.referrals_of("REUN1", "974")
    assert gsm.is_gsm7(sms["text"])
    assert gsm.gsm7_length(sms["text"]) <= gsm.SMS_MAX == 306
    assert t.ack_link(referral.referral_id) in sms["text"]
    assert "Prenomreunb" in sms["text"] and "Nomtest" not in sms["text"]

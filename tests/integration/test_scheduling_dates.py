"""When referrals fall due (SPEC §5.1 ages, §6 kinds), by time travel with ``jobs run --today``.

Each scenario applies a roster at a chosen day and runs the jobs on chosen days; the mission
locale's lead is the default 30 days before the 17th birthday, habitat jeunes' 183 days before
majority.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib import clock
from chalicelib.errors import UnprocessableError
from tests.integration import support as s
from tests.reliability import timeline as t

LILLE_ML = t.PARTNER_EMAIL["ML59A"]


def at(day: date) -> datetime:
    """What ``--today day`` means: that day at 10:00 in Paris."""
    return clock.clock_from(day, None)


def sent_to(messages: list[dict], address: str) -> list[dict]:
    return [m for m in messages if m["channel"] == "email" and address in m["to"]]


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def test_the_mission_locale_referral_is_due_exactly_30_days_before_the_17th_birthday(timeline):
    # Given a youth who turns 17 on 20 May 2031, on the roster since April
    timeline.roster("59", [s.youth("EDGE17", date(2014, 5, 20))], at(date(2031, 4, 1)))
    assert t.youth_item("EDGE17").due_at == "2031-04-20"
    # When the jobs run the day before the lead: nothing goes out
    timeline.jobs(today=date(2031, 4, 19))
    assert timeline.new_messages() == []
    assert t.referrals_of("EDGE17") == []
    # When they run on the day, 30 days before the birthday: one referral to its mission locale
    timeline.jobs(today=date(2031, 4, 20))
    (message,) = timeline.new_messages()
    assert message["to"] == LILLE_ML
    (referral,) = t.referrals_of("EDGE17")
    assert referral.referral_id == t.referral_id("EDGE17", "mission_locale", "ML59A")
    assert referral.status == "sent"
    assert referral.sent_at.startswith("2031-04-20")


def test_a_youth_born_on_29_february_turns_17_and_18_on_1_march_of_a_common_year(timeline):
    # Given a youth born on 29 February 2012: 17 on 1 March 2029, of age on 1 March 2030
    timeline.roster("59", [s.youth("LEAP29", date(2012, 2, 29))], at(date(2029, 1, 2)))
    youth = t.youth_item("LEAP29")
    assert youth.majority_date == "2030-03-01"
    assert youth.due_at == "2029-01-30"  # 1 March 2029 minus 30 days
    timeline.jobs(today=date(2029, 1, 29))
    assert timeline.new_messages() == []
    # When the jobs run on 30 January 2029
    timeline.jobs(today=date(2029, 1, 30))
    # Then the mission locale hears of a youth of age on 01/03/2030
    (message,) = timeline.new_messages()
    assert message["to"] == LILLE_ML
    assert "aura 18 ans le vendredi 1er mars 2030" in message["text"]
    (referral,) = t.referrals_of("LEAP29")
    assert referral.snapshot.as_dict()["youth"]["majority_date"] == "2030-03-01"


@pytest.mark.parametrize(
    ("id_externe", "birth"),
    [("CARE175", date(2013, 10, 1)), ("ADULT20", date(2011, 1, 15))],
    ids=["entering care at 17 and a half", "aged 20"],
)
def test_a_youth_already_past_the_lead_is_referred_at_once(timeline, id_externe, birth):
    # Given a youth who appears on the roster on 1 April 2031, long past the 30-day lead
    arrival = date(2031, 4, 1)
    timeline.roster("59", [s.youth(id_externe, birth)], at(arrival))
    assert t.youth_item(id_externe).due_at == arrival.isoformat()
    # When the jobs run that same day
    timeline.jobs(today=arrival)
    # Then the referral goes out at once (catch-up), and only once
    (message,) = timeline.new_messages()
    assert message["to"] == LILLE_ML and message["ack_url"]
    timeline.jobs(today=date(2031, 4, 2))
    assert timeline.new_messages() == []
    assert [r.status for r in t.referrals_of(id_externe)] == ["sent"]


def test_a_youth_aged_21_is_rejected_at_upload_and_never_referred(timeline):
    arrival = date(2031, 4, 1)
    rows = [s.youth("AGED20", date(2011, 1, 15)), s.youth("AGED21", date(2010, 3, 31))]
    # In strict mode the whole file is refused
    with pytest.raises(UnprocessableError) as refused:
        timeline.roster("59", rows, at(arrival))
    (rejected,) = refused.value.details["rejected"]
    assert (rejected["row"], rejected["id_externe"], rejected["code"]) == (3, "AGED21", "too_old")
    # In partial mode the other rows are applied
    report = timeline.roster("59", rows, at(arrival), mode="partial")
    assert report["created"] == 1 and [r["code"] for r in report["rejected"]] == ["too_old"]
    timeline.jobs(today=arrival)
    (message,) = timeline.new_messages()
    assert message["to"] == LILLE_ML
    assert t.referrals_of("AGED21") == []


def test_habitat_jeunes_is_due_183_days_before_majority_only_when_housing_is_needed(timeline):
    # Given two youths of age on 10 September 2031, one needing housing, both in Lille
    birth = date(2013, 9, 10)
    rows = [
        s.youth("HOUSING", birth, besoin_logement="oui"),
        s.youth("NOHOUSE", birth, besoin_logement="non"),
    ]
    timeline.roster("59", rows, at(date(2031, 3, 1)))
    timeline.jobs(today=date(2031, 3, 1))
    assert {m["to"] for m in timeline.new_messages() if m["ack_url"]} == {LILLE_ML}
    # When the jobs run the day before and on 11 March 2031 (10 September minus 183 days)
    timeline.jobs(today=date(2031, 3, 10))
    assert sent_to(timeline.new_messages(), t.PARTNER_EMAIL["HJ59-LILLE"]) == []
    timeline.jobs(today=date(2031, 3, 11))
    # Then the residence listing Lille receives one referral, for the youth who needs housing
    (message,) = sent_to(timeline.new_messages(), t.PARTNER_EMAIL["HJ59-LILLE"])
    assert message["ack_url"]
    kinds = {r.kind: r.partner_id for r in t.referrals_of("HOUSING")}
    assert kinds == {"mission_locale": "ML59A", "habitat_jeunes": "HJ59-LILLE"}
    assert [r.kind for r in t.referrals_of("NOHOUSE")] == ["mission_locale"]
    timeline.jobs(today=date(2031, 6, 1))
    later = sent_to(timeline.new_messages(), t.PARTNER_EMAIL["HJ59-LILLE"])
    assert [m["subject"].split(" :")[0] for m in later] == ["Rappel"]  # the D+7 reminder only
    assert len(t.referrals_of("HOUSING")) == 2

"""The youth told (SPEC §6, v3): once the mission locale accepted, a youth with consent and a
phone or an email receives one message in plain words; never without consent, after a refusal or
when the roster says ``informer_jeune = non``; one update when the appointment changes; an SMS
opt-out honoured.

Time travel as in ``test_lifecycle_rules``: the mission-locale referral of a youth born on
3 April 2014 is sent on Tuesday 4 March 2031; the partner answers on the 5th, 10:00 in Paris.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.domain import clock
from chalicelib.referrals import youth_message
from chalicelib.roster import service as roster
from chalicelib.store.models import Message
from tests.support import integration as s
from tests.support import timeline as t

BIRTH = date(2014, 4, 3)
MOBILE, MOBILE_E164 = "06 11 22 33 44", "+33611223344"
OPTED_OUT = "06 11 22 33 99"  # the embedded SNS lists numbers ending in 99 as opted out
EMAIL = "jeune.inform@example.org"
OTHERS = [s.youth(f"STAY{n}", date(2015, 9, 1)) for n in range(5)]
COLUMNS = [*t.COLUMNS, "informer_jeune"]
ACCEPT = {"conseiller_nom": "Mme Dupont", "conseiller_telephone": "03 20 11 22 33"}


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def youth(id_externe: str, **extra: object) -> dict:
    values: dict = {"consentement": "oui", "telephone": MOBILE, **extra}
    return s.youth(id_externe, BIRTH, **values)


def referred(timeline: t.Timeline, row: dict) -> str:
    """The roster on 3 March, the referral sent on the 4th; its id."""
    upload(row, at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.new_messages()
    return t.referral_id(row["id_externe"], "mission_locale", "ML59A")


def upload(row: dict, now: datetime) -> None:
    body = s.roster_csv([*OTHERS, row], COLUMNS)
    roster.upload_any_size("59", body, mode="strict", actor="test", now=now)


def answered(timeline: t.Timeline, referral: str, reponse: str, day: date, **fields: str) -> list:
    """The partner answers on ``day`` and the jobs run: what the youth receives."""
    assert timeline.answer(referral, reponse, at(day), **fields) == 200
    timeline.jobs(today=day)
    return [m for m in timeline.new_messages() if m["to"] in (MOBILE_E164, EMAIL)]


def test_a_youth_whose_mission_locale_accepted_is_told_once_by_sms_in_plain_words(timeline):
    referral = referred(timeline, youth("TOLD"))

    (sms,) = answered(timeline, referral, "accepte", date(2031, 3, 5), date_rdv="12/03/2031",
                      **ACCEPT)  # fmt: skip

    assert sms["channel"] == "sms" and sms["to"] == MOBILE_E164
    assert sms["text"].startswith("Bonjour Prenomtold,\n")
    assert (
        "Mission locale de Lille a accepté de vous accompagner pour préparer vos 18 ans."
        in (sms["text"])
    )
    assert "Rendez-vous le mercredi 12 mars 2031." in sms["text"]
    assert "Votre contact : Mme Dupont, 03 20 11 22 33." in sms["text"]
    assert "Pour les contacter : 03 20 00 00 00" in sms["text"]
    assert "http" not in sms["text"] and "Nomtest" not in sms["text"] and sms["ack_url"] is None
    # And the same answer again, and the days after, tell it nothing more
    assert answered(timeline, referral, "accepte", date(2031, 3, 6), date_rdv="12/03/2031",
                    **ACCEPT) == []  # fmt: skip
    for day in (date(2031, 3, 11), date(2031, 3, 18)):
        timeline.jobs(today=day)
    assert [m for m in timeline.new_messages() if m["to"] == MOBILE_E164] == []


def test_a_changed_appointment_sends_one_update_and_no_more(timeline):
    referral = referred(timeline, youth("MOVED"))
    answered(timeline, referral, "accepte", date(2031, 3, 5), date_rdv="12/03/2031")

    (update,) = answered(timeline, referral, "accepte", date(2031, 3, 6), date_rdv="14/03/2031")

    assert "Votre rendez-vous avec Mission locale de Lille a changé." in update["text"]
    assert "Nouveau rendez-vous : vendredi 14 mars 2031." in update["text"]
    assert answered(timeline, referral, "accepte", date(2031, 3, 7), date_rdv="17/03/2031") == []


def test_a_youth_with_an_email_only_is_told_by_email_with_a_reply_to_the_department(timeline):
    referral = referred(timeline, youth("MAILED", telephone="", email=EMAIL))

    (email,) = answered(timeline, referral, "accepte", date(2031, 3, 5))

    assert email["subject"] == (
        "Votre accompagnement par la mission locale – Mission locale de Lille"
    )
    assert "Mission locale de Lille a accepté de vous accompagner" in email["text"]
    assert "Rendez-vous" not in email["text"] and "/ack/" not in email["text"]


def test_a_youth_is_never_told_without_consent(timeline):
    referral = referred(timeline, youth("SECRET", consentement="non", email=EMAIL))
    assert answered(timeline, referral, "accepte", date(2031, 3, 5), **ACCEPT) == []


def test_a_youth_is_never_told_when_the_roster_says_not_to(timeline):
    referral = referred(timeline, youth("QUIET", informer_jeune="non"))
    assert answered(timeline, referral, "accepte", date(2031, 3, 5), **ACCEPT) == []


def test_a_youth_is_never_told_of_a_refusal(timeline):
    referral = referred(timeline, youth("REFUSED"))
    assert answered(timeline, referral, "refuse", date(2031, 3, 5), motif="Complet") == []


def test_a_refusal_after_an_acceptance_holds_back_the_message_still_waiting(timeline):
    referral = referred(timeline, youth("CHANGED"))
    # Accepted late on Saturday: the SMS waits for Monday's window; refused on Sunday
    assert timeline.answer(referral, "accepte", at(date(2031, 3, 8)).replace(hour=20)) == 200
    timeline.jobs(now=at(date(2031, 3, 8)).replace(hour=20, minute=30))
    first, _ = youth_message.message_ids(referral)
    assert Message.get(first).status == "pending"
    assert timeline.answer(referral, "refuse", at(date(2031, 3, 9))) == 200
    timeline.jobs(today=date(2031, 3, 9))
    timeline.jobs(today=date(2031, 3, 10))

    assert Message.get(first).status == "cancelled"
    assert [m for m in timeline.new_messages() if m["to"] == MOBILE_E164] == []


def test_consent_withdrawn_while_the_sms_waits_for_its_window_holds_it_back(timeline):
    row = youth("WITHDRAWN")
    referral = referred(timeline, row)
    assert timeline.answer(referral, "accepte", at(date(2031, 3, 8)).replace(hour=20)) == 200
    timeline.jobs(now=at(date(2031, 3, 8)).replace(hour=20, minute=30))
    # When the Sunday roster withdraws the consent, before Monday's window opens
    upload({**row, "consentement": "non"}, at(date(2031, 3, 9)))
    timeline.jobs(today=date(2031, 3, 10))

    first, _ = youth_message.message_ids(referral)
    assert Message.get(first).status == "cancelled"
    assert [m for m in timeline.new_messages() if m["to"] == MOBILE_E164] == []


def test_an_sms_opt_out_is_honoured_and_never_retried(timeline):
    referral = referred(timeline, youth("STOP", telephone=OPTED_OUT))

    assert answered(timeline, referral, "accepte", date(2031, 3, 5), **ACCEPT) == []
    timeline.jobs(today=date(2031, 3, 6))

    first, _ = youth_message.message_ids(referral)
    message = Message.get(first)
    assert message.status == "undeliverable" and message.last_error == "OptedOut"
    assert not [m for m in timeline.new_messages() if m["channel"] == "sms"]

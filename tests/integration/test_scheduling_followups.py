"""Follow-ups of a sent referral (SPEC §6): one reminder at D+7, one escalation at D+14, none once
the partner answered; ``non_competent`` sends the referral to the next competent partner.

Every answer reaches the department in its daily alert digest (SPEC §6 "the department hears every
answer"); the escalation email goes to the referent alone, the department reads it in its digest.

Time travel with ``jobs run --today`` (10:00 in Paris): the referral goes out on Tuesday
4 March 2031, so D+7 is 11 March and D+14 is 18 March.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib import clock
from chalicelib.store import alerts
from chalicelib.store.models import Referral
from tests.integration import support as s
from tests.reliability import timeline as t

SENT_ON = date(2031, 3, 4)
BIRTH = date(2014, 4, 3)  # 17 on 3 April 2031: the mission-locale referral is due on 4 March
MAJOR_SOON = date(2013, 8, 1)  # of age on 1 August 2031: housing is due at once in March
LILLE_ML = t.PARTNER_EMAIL["ML59A"]
DEPARTMENT = t.contact_of("59")


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


def subjects(messages: list[dict]) -> list[str]:
    return [m["subject"].split(" :")[0] for m in messages]


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


@pytest.fixture
def sent(timeline) -> str:
    """A mission-locale referral sent on 4 March 2031; its id."""
    timeline.roster("59", [s.youth("FOLLOW", BIRTH)], at(date(2031, 3, 1)))
    timeline.jobs(today=SENT_ON)
    (message,) = timeline.new_messages()
    assert message["to"] == LILLE_ML
    return t.referral_id("FOLLOW", "mission_locale", "ML59A")


def test_without_an_answer_the_partner_gets_one_reminder_on_day_7_with_the_same_link(
    timeline, sent
):
    timeline.jobs(today=date(2031, 3, 10))
    assert timeline.new_messages() == []
    # When the jobs run on D+7 (twice) and the day after
    timeline.jobs(today=date(2031, 3, 11))
    timeline.jobs(today=date(2031, 3, 11))
    timeline.jobs(today=date(2031, 3, 12))
    # Then one reminder went to the partner, carrying the referral's link
    (reminder,) = timeline.new_messages()
    assert subjects([reminder]) == ["Rappel"]
    assert reminder["to"] == LILLE_ML
    assert reminder["ack_url"] == t.ack_link(sent)
    assert Referral.get(sent).status == "sent"


def test_without_an_answer_the_referent_is_emailed_and_the_department_alerted_once_on_day_14(
    timeline, sent
):
    timeline.jobs(today=date(2031, 3, 11))
    timeline.new_messages()
    timeline.jobs(today=date(2031, 3, 17))
    assert timeline.new_messages() == []
    # When the jobs run on D+14 and later
    timeline.jobs(today=date(2031, 3, 18))
    timeline.jobs(today=date(2031, 3, 19))
    timeline.jobs(today=date(2031, 4, 18))
    # Then the referent got its own escalation email, the department one digest line
    by_recipient = {m["to"]: m for m in timeline.new_messages()}
    assert len(by_recipient) == 2
    escalation, digest = by_recipient["referent.follow@cd59.example.fr"], by_recipient[DEPARTMENT]
    assert escalation["subject"].startswith("Sans réponse depuis le 04/03/2031")
    assert escalation["to"] == "referent.follow@cd59.example.fr"
    assert escalation["ack_url"] is None  # the referent gets no partner link
    # the referent is told where to follow the answer: the alert's console page
    (escalated_alert,) = alerts.list_open("59")
    assert f"/console/alertes/{escalated_alert.alert_id}" in escalation["text"]
    assert "suivi des orientations" not in escalation["text"]
    assert digest["to"] == DEPARTMENT
    assert digest["subject"] == "Relais ASE – Nord (59) : 1 alerte à traiter au 18/03/2031"
    assert "ORIENTATIONS RESTÉES SANS RÉPONSE (1)" in digest["text"]
    referral = Referral.get(sent)
    assert referral.status == "escalated"
    assert [h["status"] for h in referral.history] == ["pending", "sent", "reminder", "escalated"]
    (escalated,) = alerts.list_open("59")
    assert escalated.kind == "escalated" and escalated.referral_id == sent
    # And the partner can still answer, which closes the alert and reaches the next digest
    assert timeline.answer(sent, "accepte", at(date(2031, 4, 20))) == 200
    assert Referral.get(sent).status == "acknowledged"
    timeline.jobs(today=date(2031, 4, 20))
    (accepted,) = timeline.new_messages()
    assert accepted["subject"] == "Relais ASE – Nord (59) : 1 orientation acceptée au 20/04/2031"
    assert alerts.list_open("59") == []


@pytest.mark.parametrize("reponse", ["accepte", "refuse"])
def test_an_answer_before_day_7_stops_every_follow_up_and_reaches_the_department_once(
    timeline, sent, reponse
):
    assert timeline.answer(sent, reponse, at(date(2031, 3, 6))) == 200
    for day in (date(2031, 3, 6), date(2031, 3, 11), date(2031, 3, 18), date(2031, 4, 30)):
        timeline.jobs(today=day)
    (digest,) = timeline.new_messages()
    assert digest["to"] == DEPARTMENT
    section = {"accepte": "ORIENTATIONS ACCEPTÉES (1)", "refuse": "ORIENTATIONS REFUSÉES (1)"}
    assert section[reponse] in digest["text"]
    assert Referral.get(sent).status == {"accepte": "acknowledged", "refuse": "declined"}[reponse]


def test_a_mission_locale_that_is_not_competent_is_redirected_and_the_department_alerted_once(
    timeline, sent
):
    # When the mission locale answers that it is not competent
    motif = {"motif": "Hors de notre territoire"}
    assert timeline.answer(sent, "non_competent", at(date(2031, 3, 5)), **motif) == 200
    assert Referral.get(sent).status == "redirected"
    # Then the next jobs tell the department, once, to reassign: no other mission locale
    # covers Lille, which its one digest line says (no second "no partner" line)
    timeline.jobs(today=date(2031, 3, 5))
    timeline.jobs(today=date(2031, 3, 6))
    (digest,) = timeline.new_messages()
    assert digest["to"] == DEPARTMENT
    assert digest["subject"] == "Relais ASE – Nord (59) : 1 alerte à traiter au 05/03/2031"
    assert "Aucun autre partenaire ne couvre Lille" in digest["text"]
    assert "Hors de notre territoire" in digest["text"]
    assert "SANS PARTENAIRE" not in digest["text"]
    assert [r.partner_id for r in t.referrals_of("FOLLOW")] == ["ML59A"]
    assert Referral.get(sent).status == "redirected"
    # And the mission locale gets no reminder about a referral it declined as not competent
    timeline.jobs(today=date(2031, 3, 11))
    assert timeline.new_messages() == []


def test_a_residence_that_is_not_competent_hands_over_to_the_departmental_contact(timeline):
    # Given a youth needing housing whose referral went to the residence listing Lille
    timeline.roster("59", [s.youth("HOUSED", MAJOR_SOON, besoin_logement="oui")], at(SENT_ON))
    timeline.jobs(today=SENT_ON)
    residence = t.referral_id("HOUSED", "habitat_jeunes", "HJ59-LILLE")
    assert Referral.get(residence).status == "sent"
    timeline.new_messages()
    # When the residence answers "not competent"
    assert timeline.answer(residence, "non_competent", at(date(2031, 3, 5))) == 200
    timeline.jobs(today=date(2031, 3, 5))
    # Then the department is alerted and the departmental contact receives a new referral
    messages = timeline.new_messages()
    (digest,) = [m for m in messages if m["to"] == DEPARTMENT]
    assert "Relais ASE a transmis l'orientation à UDHAJ du Nord" in digest["text"]
    (handover,) = [m for m in messages if m["to"] == t.PARTNER_EMAIL["UDHAJ59"]]
    departmental = t.referral_id("HOUSED", "habitat_jeunes", "UDHAJ59")
    assert handover["ack_url"] == t.ack_link(departmental)
    assert Referral.get(residence).status == "redirected"
    assert Referral.get(departmental).status == "sent"
    # And running the jobs again changes nothing
    timeline.jobs(today=date(2031, 3, 6))
    assert [m for m in timeline.new_messages() if m["ack_url"]] == []
    housing = [r.partner_id for r in t.referrals_of("HOUSED") if r.kind == "habitat_jeunes"]
    assert housing == ["HJ59-LILLE", "UDHAJ59"]


def test_an_accepted_housing_referral_takes_housing_out_of_the_next_weekly_digest(timeline):
    # Given a youth of age in four months who needs housing (housing "à traiter")
    majority_soon = s.birth_for(SENT_ON, years=18, days=120)
    timeline.roster("59", [s.youth("HOME", majority_soon, besoin_logement="oui")], at(SENT_ON))
    timeline.jobs(today=SENT_ON)
    first_week = [m for m in timeline.new_messages() if "parcours à sécuriser" in m["subject"]]
    assert first_week and all("Logement" in m["text"] for m in first_week)
    # When the residence accepts
    residence = t.referral_id("HOME", "habitat_jeunes", "HJ59-LILLE")
    assert timeline.answer(residence, "accepte", at(date(2031, 3, 5))) == 200
    # Then the next week's digest no longer lists the youth (housing now counts as in progress)
    timeline.jobs(today=date(2031, 3, 11))
    next_week = [m for m in timeline.new_messages() if "parcours à sécuriser" in m["subject"]]
    assert next_week == []

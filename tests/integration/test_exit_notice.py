"""Partners hear an exit (SPEC §6, v3): a structure that accepted a youth, or was sent its referral
and has not answered, gets one short notice when the youth leaves the roster; an interview
cancellation says why; a referral never sent tells nobody anything.

Time travel as in ``test_lifecycle_rules``: the mission-locale referral of a youth born on
3 April 2014 is due (and sent) on 4 March 2031.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.referrals import exit_notice
from chalicelib.store.models import Message, Referral
from tests.support import integration as s
from tests.support import timeline as t

BIRTH = date(2014, 4, 3)
LILLE_ML = t.PARTNER_EMAIL["ML59A"]
OTHERS = [s.youth(f"STAY{n}", date(2015, 9, 1)) for n in range(5)]  # not due: the roster's rest
GONE = "n'est plus suivi(e) par l'ASE du département Nord (59)"


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


def kept(*rows: dict) -> list[dict]:
    return [*OTHERS, *rows]


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def to_lille(timeline: t.Timeline) -> list[dict]:
    return [m for m in timeline.new_messages() if m["to"] == LILLE_ML]


def sent_then_gone(timeline: t.Timeline, row: dict, *, answer: str | None) -> list[dict]:
    """The referral goes out on 4 March, the partner answers (or not) on the 5th, the youth
    leaves the roster on the 6th; what the mission locale receives that day."""
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    referral = t.referral_id(row["id_externe"], "mission_locale", "ML59A")
    if answer:
        assert timeline.answer(referral, answer, at(date(2031, 3, 5))) == 200
    timeline.jobs(today=date(2031, 3, 5))
    timeline.new_messages()
    timeline.roster("59", kept(), at(date(2031, 3, 6)))
    timeline.jobs(today=date(2031, 3, 6))
    return to_lille(timeline)


def test_a_structure_that_accepted_a_youth_who_leaves_gets_one_short_notice(timeline):
    (notice,) = sent_then_gone(timeline, s.youth("ACCEPTED", BIRTH), answer="accepte")

    assert notice["subject"].startswith("Relais ASE – Nord (59) : fin du suivi ASE")
    assert "Prenomaccepted" not in notice["subject"]
    assert f"Prenomaccepted N. {GONE}." in notice["text"]
    assert (
        "Vous aviez accepté cette demande : orientation vers la mission locale." in notice["text"]
    )
    assert "ase@cd59.example.fr" in notice["text"] and "Nomtest" not in notice["text"]
    assert notice["ack_url"] is None  # nothing to answer
    # And re-uploads of the roster, and the days after, never repeat it
    timeline.roster("59", kept(), at(date(2031, 3, 7)))
    for day in (date(2031, 3, 7), date(2031, 3, 12), date(2031, 3, 19)):
        timeline.jobs(today=day)
    assert to_lille(timeline) == []


def test_a_structure_that_was_sent_a_referral_and_never_answered_gets_one_notice(timeline):
    (notice,) = sent_then_gone(timeline, s.youth("SILENT", BIRTH), answer=None)

    assert f"Prenomsilent N. {GONE}." in notice["text"]
    assert "Vous aviez reçu cette demande le 04/03/2031" in notice["text"]
    assert "Vous n'avez plus à y répondre." in notice["text"]
    for day in (date(2031, 3, 11), date(2031, 3, 18)):
        timeline.jobs(today=day)
    assert to_lille(timeline) == []  # no reminder, no second notice


def test_a_structure_that_refused_hears_nothing_of_the_exit(timeline):
    assert sent_then_gone(timeline, s.youth("REFUSED", BIRTH), answer="refuse") == []


def test_a_referral_never_sent_tells_nobody_of_the_exit(timeline):
    row = s.youth("PENDING", BIRTH)
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    jobs.daily_scan(at(date(2031, 3, 4)))  # created, not sent yet
    timeline.roster("59", kept(), at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))

    assert Referral.get(t.referral_id("PENDING", "mission_locale", "ML59A")).status == "cancelled"
    assert to_lille(timeline) == []
    notice = exit_notice.message_id("59", "PENDING", "ML59A")
    assert not list(Message.query(notice))


def test_the_interview_cancel_says_why_and_is_the_partners_only_message_that_day(timeline):
    row = s.youth("INTERVIEW", BIRTH, date_entretien="15/04/2031 14:30", lieu_entretien="MDS")
    timeline.roster("59", kept(row), at(date(2031, 3, 3)))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.new_messages()
    timeline.roster("59", kept(), at(date(2031, 3, 5)))
    timeline.jobs(today=date(2031, 3, 5))

    (cancel,) = to_lille(timeline)
    assert cancel["subject"].startswith("Annulation : entretien de préparation à la majorité")
    assert f"Prenominterview N. {GONE}." in cancel["text"]
    assert "Si une nouvelle date est fixée" not in cancel["text"]
    (attachment,) = cancel["attachments"]
    description = str(Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]["description"])
    assert "Le ou la jeune n'est plus suivi(e) par l'ASE du département." in description

"""Erasure of a youth invited to its interview (SPEC §6: an erased youth exits; §8): the mission
locale receives the ``.ics`` CANCEL of a future interview it was sent, composed without the youth's
data, and once it went out nothing of the youth remains in any table. An interview never sent, or
already past, is cancelled by nobody.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.referrals.invitations import calendar_uid
from chalicelib.roster import erasure
from chalicelib.store.models import Alert, Referral
from tests.support import integration as s
from tests.support import reporting_world as fw
from tests.support import timeline as t
from tests.support.fault_proxy import Fault

BIRTH = date(2014, 9, 1)  # 17 on 1 September 2031: only the interview is referred in the spring
PARIS = ZoneInfo("Europe/Paris")
LILLE_ML = t.PARTNER_EMAIL["ML59A"]
ROW = s.youth(
    "GOODBYE",
    BIRTH,
    date_entretien="15/04/2031 14:30",
    lieu_entretien="MDS Lille-Sud",
    referent_nom="Martine Référente",
)
INVITATION = t.referral_id("GOODBYE", "entretien", "ML59A")


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def invited(timeline: t.Timeline) -> None:
    """The mission locale was sent the invitation on 4 March 2031."""
    timeline.roster("59", [ROW], at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))
    assert [m["to"] for m in timeline.new_messages() if m["attachments"]] == [LILLE_ML]
    assert Referral.get(INVITATION).status == "sent"


def leftovers() -> dict[str, list[int]]:
    """Table name → indexes of the youth's values (and of its interview) still found in it."""
    return fw.tables_holding([*fw.personal_values(ROW), INVITATION, "MDS Lille-Sud"])


def test_erasing_a_youth_invited_to_a_future_interview_sends_the_cancel_then_forgets_it(
    timeline,
):
    invited(timeline)
    # When the department erases the youth, before the interview
    counts = erasure.erase("59", "GOODBYE", actor="test", now=at(date(2031, 3, 10)))
    assert counts["invitations_cancelled"] == 1
    timeline.jobs(today=date(2031, 3, 10))
    # Then the mission locale receives the CANCEL of the very event it was invited to
    (cancel,) = [m for m in timeline.new_messages() if m["to"] == LILLE_ML]
    assert cancel["subject"].startswith("Annulation : entretien de préparation à la majorité")
    (attachment,) = cancel["attachments"]
    assert attachment["method"] == "CANCEL"
    calendar = Calendar.from_ical(attachment["content"])
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), int(event["sequence"])) == (calendar_uid(INVITATION), 1)
    assert event.decoded("dtstart") == datetime(2031, 4, 15, 14, 30, tzinfo=PARIS)
    assert event.decoded("dtend") == datetime(2031, 4, 15, 15, 30, tzinfo=PARIS)
    assert str(event["location"]) == "MDS Lille-Sud"
    # And the advisor reads the date, the place and whom to call, but not who the youth was
    assert "mardi 15 avril 2031 à 14 h 30" in cancel["text"]
    assert t.contact_of("59") in cancel["text"]
    whole = cancel["text"] + cancel["html"] + attachment["content"]
    assert [value for value in fw.personal_values(ROW) if value in whole] == []
    assert "Prenomgoodbye" not in str(event["summary"])
    # And once it went out, nothing of the youth or its interview remains in any table
    assert leftovers() == {}
    # And nothing more goes out about it
    timeline.jobs(today=date(2031, 3, 20))
    assert timeline.new_messages() == []


def test_erasing_a_youth_whose_interview_is_past_sends_no_cancel(timeline):
    invited(timeline)
    erasure.erase("59", "GOODBYE", actor="test", now=at(date(2031, 4, 16)))
    timeline.jobs(today=date(2031, 4, 16))
    assert [m for m in timeline.new_messages() if m["to"] == LILLE_ML] == []
    assert leftovers() == {}


def test_erasing_a_youth_whose_invitation_was_never_sent_sends_nothing(timeline):
    # Given an invitation created but not sent yet (the dispatch has not run)
    timeline.roster("59", [ROW], at(date(2031, 3, 4)))
    jobs.daily_scan(at(date(2031, 3, 4)))
    assert Referral.get(INVITATION).status == "pending"
    # When the youth is erased, then the jobs run
    counts = erasure.erase("59", "GOODBYE", actor="test", now=at(date(2031, 3, 4)))
    timeline.jobs(today=date(2031, 3, 4))
    # Then the mission locale receives neither the invitation nor a CANCEL
    assert counts["invitations_cancelled"] == 0
    assert [m for m in timeline.new_messages() if m["to"] == LILLE_ML] == []
    assert leftovers() == {}


def test_a_cancel_that_ses_rejects_is_deleted_and_alerts_nobody_about_the_erased_youth(
    timeline,
):
    invited(timeline)
    erasure.erase("59", "GOODBYE", actor="test", now=at(date(2031, 3, 10)))
    # When SES refuses the CANCEL for good
    with t.behind_proxy() as proxy:
        proxy.script("ses:SendRawEmail", Fault(400, "MessageRejected", False))
        timeline.jobs(today=date(2031, 3, 10))
    # Then no alert can name the youth: nothing goes out, nothing of it is kept
    timeline.jobs(today=date(2031, 3, 11))
    assert timeline.new_messages() == []
    assert list(Alert.scan()) == []
    assert leftovers() == {}

"""No competent partner (SPEC §5.2, §6): a commune shared by several missions locales is routed
only with the roster's ``code_ml``; until then the department is told once (``no_partner``), and
the referral goes out once the next roster names the mission locale.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib import clock
from chalicelib.scheduling.rules import BLOCKED
from chalicelib.store import alerts
from tests.integration import support as s
from tests.reliability import timeline as t

BIRTH = date(2014, 4, 3)  # 17 on 3 April 2031: due on 4 March 2031
TOURCOING = "59599"  # shared by the missions locales of Lille and Roubaix
DEPARTMENT = t.contact_of("59")


def at(day: date) -> datetime:
    return clock.clock_from(day, None)


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def test_a_shared_commune_alerts_the_department_once_then_refers_once_code_ml_is_given(timeline):
    shared = s.youth("SHARED", BIRTH, commune=TOURCOING)
    timeline.roster("59", [shared], at(date(2031, 3, 1)))
    # When the jobs run on the due day, again, and the same roster comes back
    timeline.jobs(today=date(2031, 3, 4))
    timeline.jobs(today=date(2031, 3, 5))
    timeline.roster("59", [shared], at(date(2031, 3, 5)))
    timeline.jobs(today=date(2031, 3, 6))
    # Then the department heard of it exactly once (one digest line naming the commune and the
    # candidates), and no partner was written to
    (digest,) = timeline.new_messages()
    assert digest["to"] == DEPARTMENT
    assert digest["subject"] == "Relais ASE – Nord (59) : 1 alerte à traiter au 04/03/2031"
    assert digest["ack_url"] is None
    for part in (digest["text"], digest["html"]):
        assert "Tourcoing est couverte par plusieurs missions locales" in part
        assert "Mission locale de Lille (code ML59A)" in part
        assert "Mission locale de Roubaix (code ML59B)" in part
        assert "code_ml" not in part
    assert t.referrals_of("SHARED") == []
    assert t.youth_item("SHARED").due_at == BLOCKED
    # When the next roster names the mission locale of Roubaix
    timeline.roster("59", [{**shared, "code_ml": "ML59B"}], at(date(2031, 3, 7)))
    timeline.jobs(today=date(2031, 3, 7))
    timeline.jobs(today=date(2031, 3, 8))
    # Then that mission locale receives the referral, once, the department nothing more, and
    # the alert is closed (nothing left to do)
    (referral_email,) = timeline.new_messages()
    assert referral_email["to"] == t.PARTNER_EMAIL["ML59B"]
    referral = t.referral_id("SHARED", "mission_locale", "ML59B")
    assert referral_email["ack_url"] == t.ack_link(referral)
    assert [(r.partner_id, r.status) for r in t.referrals_of("SHARED")] == [("ML59B", "sent")]
    assert t.youth_item("SHARED").due_at is None
    assert alerts.list_open("59") == []

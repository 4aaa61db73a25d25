"""The alerts aggregate over the embedded endpoint (SPEC §7 alert digest, §4b alerts page): each
transition is conditional; the daily digest lists what is new, once a day per department."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import clock
from chalicelib.domain.alert_details import AlertDetails, YouthMention
from chalicelib.domain.alerts import AlertKind
from chalicelib.store import alerts
from tests.support import integration as s
from tests.support import timeline as t

NOW = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
DETAILS = AlertDetails(YouthMention("A-1", "Zoé", "L."), "mission_locale")
TOURCOING, UNKNOWN = "59599", "59999"


def test_raising_the_same_alert_twice_opens_it_once(aws):
    assert alerts.raise_alert("59", AlertKind.ESCALATED, "ref_1", NOW, details=DETAILS)
    assert not alerts.raise_alert("59", AlertKind.ESCALATED, "ref_1", NOW, details=DETAILS)
    (opened,) = alerts.list_open("59")
    assert (opened.kind, opened.state, opened.id_externe) == ("escalated", "open", None)
    assert [a.alert_id for a in alerts.pending_digest("59")] == [opened.alert_id]
    assert alerts.list_open("62") == []


def test_a_closed_alert_stays_closed_unless_something_new_is_raised(aws):
    alerts.raise_alert("59", AlertKind.REFUSED, "ref_1", NOW, details=DETAILS, fingerprint="a1")
    (opened,) = alerts.list_open("59")
    assert alerts.close("59", opened.alert_id, NOW, by="agent@cd59.fr", action="rerouted")
    assert not alerts.close("59", opened.alert_id, NOW, by="agent@cd59.fr", action="rerouted")
    closed = alerts.get("59", opened.alert_id)
    assert (closed.state, closed.closed_by, closed.open_since) == ("closed", "agent@cd59.fr", None)
    assert alerts.pending_digest("59") == []  # acted on before the digest: nothing to tell
    # the same answer again changes nothing; a new answer (another fingerprint) reopens it
    assert not alerts.raise_alert(
        "59", AlertKind.REFUSED, "ref_1", NOW, details=DETAILS, fingerprint="a1"
    )
    assert alerts.raise_alert(
        "59", AlertKind.REFUSED, "ref_1", NOW, details=DETAILS, fingerprint="a2"
    )
    assert [a.state for a in alerts.list_open("59")] == ["open"]


def test_an_accepted_answer_is_a_summary_line_never_an_open_alert(aws):
    assert alerts.raise_alert("59", AlertKind.ACCEPTED, "ref_1", NOW, details=DETAILS)
    assert alerts.list_open("59") == []
    (pending,) = alerts.pending_digest("59")
    assert pending.state == "info"


def test_an_alert_included_in_a_digest_stays_open_but_leaves_the_digest_queue(aws):
    alerts.raise_alert("59", AlertKind.FAILED, "ref_1", NOW, details=DETAILS)
    (pending,) = alerts.pending_digest("59")
    assert alerts.mark_included(pending, "msg_digest", NOW)
    assert not alerts.mark_included(pending, "msg_digest", NOW + timedelta(minutes=1))
    assert alerts.pending_digest("59") == []
    (still_open,) = alerts.list_open("59")
    assert still_open.digest_id == "msg_digest"


@pytest.fixture
def timeline(client) -> t.Timeline:
    return t.Timeline.open()


def test_one_upload_with_six_unroutable_youths_gives_one_digest_of_six_lines(timeline):
    birth = s.birth_for(date(2031, 3, 4), years=17, days=10)  # due at once
    rows = [s.youth(f"SHARED-{n}", birth, commune=TOURCOING) for n in range(4)]
    rows += [s.youth(f"LOST-{n}", birth, commune=UNKNOWN) for n in range(2)]
    timeline.roster("59", rows, clock.clock_from(date(2031, 3, 4), None))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.jobs(today=date(2031, 3, 4))
    timeline.jobs(today=date(2031, 3, 5))
    (digest,) = timeline.new_messages()
    assert digest["to"] == t.contact_of("59")
    assert digest["subject"] == "Relais ASE – Nord (59) : 6 alertes à traiter au 04/03/2031"
    for part in (digest["text"], digest["html"]):
        assert "sans partenaire compétent (6)".lower() in part.lower()
        assert part.count("/console/alertes/al_") == 6
        assert part.count("Tourcoing est couverte par plusieurs missions locales") == 4
        assert part.count("Mission locale de Roubaix (code ML59B)") == 4
        assert part.count("le code commune 59999 ne figure pas") == 2
        assert "code_ml" not in part
    assert len(alerts.list_open("59")) == 6


def test_the_digest_waits_for_something_new_and_counts_what_is_still_open(timeline):
    birth = s.birth_for(date(2031, 3, 4), years=17, days=10)
    timeline.roster(
        "59",
        [s.youth("SHARED", birth, commune=TOURCOING)],
        clock.clock_from(date(2031, 3, 4), None),
    )
    timeline.jobs(today=date(2031, 3, 4))
    assert len(timeline.new_messages()) == 1
    timeline.jobs(today=date(2031, 3, 5))
    assert timeline.new_messages() == []
    late = s.youth("LATE", birth, commune=UNKNOWN)
    timeline.roster(
        "59",
        [s.youth("SHARED", birth, commune=TOURCOING), late],
        clock.clock_from(date(2031, 3, 6), None),
    )
    timeline.jobs(today=date(2031, 3, 6))
    (digest,) = timeline.new_messages()
    assert "LATE" in digest["text"] and "SHARED" not in digest["text"]
    assert "1 alerte signalée les jours précédents reste à traiter." in digest["text"]

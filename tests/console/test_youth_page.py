"""A youth's page reads in French (no internal code on screen), and a habitat-jeunes
"non compétent" can be dealt with (SPEC §4b v3)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import jobs, refs
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.enums import Answer
from chalicelib.roster import service as roster
from chalicelib.store import alerts as alert_store
from chalicelib.store import answers
from chalicelib.store.models import Referral
from tests.support import console as support
from tests.support import integration as s

INTERNAL_CODES = ("followups_stopped", "followups_resumed", "reroute", "reminder", "exited")


def test_every_history_event_of_an_exited_youth_reads_in_french(console):
    today = clock.local_today("59", clock.clock_from(None, None))
    world = support.load_world(today)
    shared = s.youth("D59-2", s.birth_for(today, years=17, days=20), commune="59599")
    roster.upload_any_size("59", s.roster_csv([shared]), actor="test")  # D59-1 leaves
    session = console.sign_in()
    page = console.get(f"/console/jeunes/{refs.youth_ref('59', world['due'])}", session)
    text = page.body.decode()
    assert "Relances arrêtées (sortie du fichier)" in text and "Sorti du fichier" in text
    assert not [code for code in INTERNAL_CODES if code in text]


def answer_non_competent(partner: str) -> None:
    [referral] = [
        r for r in Referral.scan() if r.kind == "habitat_jeunes" and r.partner_id == partner
    ]
    assert answers.record_answer(referral, AnswerEntry(Answer.NON_COMPETENT), datetime.now(UTC))
    jobs.run_all(clock.clock_from(None, None))


def test_a_habitat_jeunes_non_competent_can_be_dealt_with(console):
    today = clock.local_today("59", clock.clock_from(None, None))
    for kind, body in (
        ("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV), ("habitat-jeunes", s.HJ_CSV),
    ):  # fmt: skip
        directory.load(kind, body, actor="test")
    housed = s.youth("H59-1", s.birth_for(today, years=18, days=100), besoin_logement="oui")
    roster.upload_any_size("59", s.roster_csv([housed]), actor="test")
    jobs.run_all(clock.clock_from(None, None))
    session = console.sign_in()
    answer_non_competent("HJ59-LILLE")  # routed again, to the departmental contact
    [rerouted] = [a for a in alert_store.list_open("59") if a.kind == AlertKind.REDIRECTED]
    closed = console.post(f"/console/alertes/{rerouted.alert_id}/traitee", session)
    assert closed.status_code == 303
    answer_non_competent("UDHAJ59")  # nobody else: the department decides
    to_reroute = console.get("/console/jeunes?filtre=a_reorienter", session).body.decode()
    assert "<td>H59-1</td>" in to_reroute and "À réorienter" in to_reroute
    ref = refs.youth_ref("59", "H59-1")
    page = console.get(f"/console/jeunes/{ref}", session).body.decode()
    assert "L&#39;habitat jeunes a refusé" in page or "L'habitat jeunes a refusé" in page
    kept = console.post(f"/console/jeunes/{ref}/orientation", session, {"action": "garder"})
    assert kept.status_code == 303
    assert not [a for a in alert_store.list_open("59") if a.kind == AlertKind.REDIRECTED]

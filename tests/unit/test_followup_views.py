"""What the follow-up routes show of stored youths and referrals. Pure: items built in memory,
no storage. (Which messages an erasure finds: every message about a youth carries its key, see
tests/integration/test_erasure.py.)"""

from __future__ import annotations

from chalicelib.alerts import raising
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.scheduling import BLOCKED
from chalicelib.reporting import views
from chalicelib.store import alerts as store_alerts
from chalicelib.store.models import Referral, Youth

RECORD = {
    "id_externe": "A-1",
    "nom": "Lefèvre",
    "prenom": "Zoé",
    "date_naissance": "2008-07-15",
    "code_commune": "59350",
    "referent_email": "referente.ase@cd59.exemple.fr",
    "parcours": {"logement": "a_traiter"},
}


def youth(**overrides: object) -> Youth:
    values: dict = {
        "department": "59",
        "id_externe": "A-1",
        "record": RECORD,
        "majority_date": "2026-07-15",
        "status": "active",
        "due_at": "2026-02-01",
        "scheduled": {"blocked": {"habitat_jeunes": {"reason": "aucun_habitat_jeunes"}}},
        "history": [{"at": "2026-01-10T09:00:00Z", "event": "reactivated"}],
        "created_at": "2026-01-01T09:00:00Z",
        "updated_at": "2026-01-10T09:00:00Z",
        "exited_at": None,
    }
    values.update(overrides)
    return Youth(**values)


def referral(**overrides: object) -> Referral:
    values: dict = {
        "referral_id": "ref_1",
        "id_externe": "A-1",
        "kind": "mission_locale",
        "partner_type": "mission_locale",
        "partner_id": "ML59A",
        "channel": "email",
        "status": "acknowledged",
        "history": [{"at": "2026-01-02T09:00:00Z", "status": "pending"}],
        "created_at": "2026-01-02T09:00:00Z",
        "sent_at": "2026-01-02T09:05:00Z",
        "answered_at": "2026-01-03T09:00:00Z",
        "answer": {"reponse": "accepte", "commentaire": "=1+1", "at": "2026-01-03T09:00:00Z"},
        "snapshot": {"partner": {"nom": "ML de Lille", "email": "ml@ex.fr"}, "youth": RECORD},
        "token_hash": "secret-hash",
    }
    values.update(overrides)
    return Referral(**values)


def test_a_list_line_has_the_names_dates_status_and_pathway_of_the_youth():
    line = views.youth_summary(youth())
    assert line == {
        "id_externe": "A-1",
        "prenom": "Zoé",
        "nom": "Lefèvre",
        "date_naissance": "2008-07-15",
        "code_commune": "59350",
        "majority_date": "2026-07-15",
        "status": "active",
        "due_at": "2026-02-01",
        "pathway": {"logement": "a_traiter"},
    }


def test_a_youth_waiting_for_a_partner_shows_no_due_date_but_why_it_waits():
    detail = views.youth_detail(youth(due_at=BLOCKED), [])
    assert detail["due_at"] is None
    assert detail["blocked"] == {"habitat_jeunes": "aucun_habitat_jeunes"}


def test_the_detail_has_every_roster_field_the_history_and_the_referrals():
    detail = views.youth_detail(youth(), [referral()])
    assert detail["referent_email"] == "referente.ase@cd59.exemple.fr"
    assert detail["history"] == [{"at": "2026-01-10T09:00:00Z", "event": "reactivated"}]
    assert [r["referral_id"] for r in detail["referrals"]] == ["ref_1"]


def test_a_referral_shows_its_partner_and_answer_but_not_the_snapshot_or_token():
    shown = views.referral_view(referral())
    assert shown["partner"] == {"type": "mission_locale", "id": "ML59A", "nom": "ML de Lille"}
    assert shown["answer"]["commentaire"] == "=1+1"
    text = repr(shown)
    assert "secret-hash" not in text
    assert "ml@ex.fr" not in text
    assert "Lefèvre" not in text


def test_a_csv_line_flattens_the_answer_and_names_the_partner():
    row = views.referral_row(referral(snapshot={}))
    assert set(views.CSV_COLUMNS) <= set(row)
    assert row["partner"] == "ML59A"  # no snapshot left (erased): the partner's id
    assert row["reponse"] == "accepte"
    assert row["commentaire"] == "=1+1"


def test_erasure_looks_up_every_alert_a_youth_can_have():
    found = set(raising.youth_alert_ids("59", "A-1", ["ref_1"]))
    for kind in ("mission_locale", "habitat_jeunes", "entretien"):
        subject = raising.no_partner_subject("A-1", kind)
        assert store_alerts.alert_id("59", AlertKind.NO_PARTNER, subject) in found
    for alert_kind in AlertKind:
        assert store_alerts.alert_id("59", alert_kind, "ref_1") in found

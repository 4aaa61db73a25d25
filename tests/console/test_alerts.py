"""The alerts page shows the digest's open alerts; a decision on the youth's page closes them."""

from __future__ import annotations

import pytest

from chalicelib import refs
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.store import alerts as alert_store
from tests.support import console as support

BLOCKED = ("59", AlertKind.NO_PARTNER, "D59-2|mission_locale")


@pytest.fixture
def world(console) -> dict[str, str]:
    return support.load_world(clock.local_today("59", clock.clock_from(None, None)))


def test_the_alerts_page_words_each_open_alert_as_the_digest_does(console, world):
    session = console.sign_in()
    page = console.get("/console/alertes", session).body.decode()
    assert "Jeunes sans partenaire compétent" in page
    assert "Mission locale de Lille" in page and "Mission locale de Roubaix" in page
    assert f'href="/console/jeunes/{refs.youth_ref("59", "D59-2")}"' in page


def test_the_digest_link_opens_the_alert_and_the_decision_closes_it(console, world):
    session = console.sign_in()
    alert_id = alert_store.alert_id(*BLOCKED)
    page = console.get(f"/console/alertes/{alert_id}", session).body.decode()
    assert "Choisir le partenaire" in page and "déjà traitée" not in page
    # a routing alert is not "marked as dealt with": the decision closes it
    assert console.post(f"/console/alertes/{alert_id}/traitee", session).status_code == 409
    console.post(
        f"/console/jeunes/{refs.youth_ref('59', 'D59-2')}/orientation",
        session,
        {"action": "choisir", "code_ml": "ML59B"},
    )
    assert alert_store.get("59", alert_id).state == "closed"
    assert "déjà traitée" in console.get(f"/console/alertes/{alert_id}", session).body.decode()
    assert "Aucune alerte ouverte" in console.get("/console/alertes", session).body.decode()
    timeline = console.get(f"/console/jeunes/{refs.youth_ref('59', 'D59-2')}", session)
    assert "Alerte : Jeunes sans partenaire compétent" in timeline.body.decode()
    assert "Alerte traitée : Jeunes sans partenaire compétent" in timeline.body.decode()


def test_an_unknown_alert_is_a_404(console, world):
    session = console.sign_in()
    assert console.get("/console/alertes/al_0000", session).status_code == 404
    assert console.get("/console/alertes/n-importe-quoi", session).status_code == 404

"""A department's agent never sees nor changes another department: every console route, with the
session of department 974's agent, against department 59's youths."""

from __future__ import annotations

import pytest

from app import app
from chalicelib import clock
from chalicelib.console import refs
from chalicelib.store.models import Referral, Youth
from tests.support import console as support

OTHER_DATA = ("D59-1", "D59-2", "Lefebvre", "Éloïse")
PUBLIC = {"/", "/console/connexion", "/console/connexion/proconnect", "/console/connexion/retour"}
PUBLIC |= {"/console/static/{name}", "/console/accessibilite", "/console/donnees-personnelles"}
# (method, path, form fields): {ref} is department 59's youth
ROUTES = [
    ("GET", "/console", {}),
    ("GET", "/console/jeunes", {}),
    ("POST", "/console/jeunes", {"recherche": "D59"}),
    ("GET", "/console/jeunes/{ref}", {}),
    ("POST", "/console/jeunes/{ref}/orientation", {"action": "choisir", "code_ml": "ML59B"}),
    ("GET", "/console/jeunes/{ref}/effacement", {}),
    ("POST", "/console/jeunes/{ref}/effacement", {"confirmation": "oui"}),
    ("GET", "/console/alertes", {}),
    ("POST", "/console/deconnexion", {}),
]


def console_routes() -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, methods in app.routes.items()
        if path.startswith("/console") and path not in PUBLIC
        for method in methods
    }


def test_every_console_route_is_in_the_isolation_table():
    assert console_routes() == {(method, path) for method, path, _ in ROUTES}


@pytest.mark.parametrize(
    ("method", "path", "fields"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_another_departments_agent_gets_nothing_of_department_59(console, method, path, fields):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    before = sorted((y.id_externe, y.fingerprint, str(y.scheduled)) for y in Youth.query("59"))
    referrals_before = sorted(r.referral_id for r in Referral.scan())
    session = console.sign_in(support.AGENT_974)
    url = path.format(ref=refs.youth_ref("59", "D59-2"))
    answer = console.get(url, session) if method == "GET" else console.post(url, session, fields)
    body = answer.body.decode("utf-8", "replace") if answer.body else ""
    if "{ref}" in path:
        assert answer.status_code == 404
    else:
        assert answer.status_code in (200, 303)
    assert not [item for item in OTHER_DATA if item in body]
    after = sorted((y.id_externe, y.fingerprint, str(y.scheduled)) for y in Youth.query("59"))
    assert after == before
    assert sorted(r.referral_id for r in Referral.scan()) == referrals_before


def test_a_reference_made_for_one_department_does_not_open_in_another(console):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    session = console.sign_in(support.AGENT_974)
    foreign = refs.youth_ref("974", "D59-1")  # right id, wrong department in the sealed data
    assert console.get(f"/console/jeunes/{foreign}", session).status_code == 404
    own = refs.youth_ref("974", "R974-1")
    assert console.get(f"/console/jeunes/{own}", session).status_code == 200

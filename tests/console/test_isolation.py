"""A department's agent never sees nor changes another department: every console route, with the
session of department 974's agent, against department 59's youths."""

from __future__ import annotations

import pytest
import requests

from app import app
from chalicelib import refs
from chalicelib.console import agents
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.store import alerts as alert_store
from chalicelib.store.models import Referral, Youth
from tests.support import console as support

OTHER_DATA = ("D59-1", "D59-2", "Lefebvre", "Éloïse", "Nomtestd")
ORIGIN = "http://127.0.0.1:8000"
REUNION_CSV = (
    b"id_externe,nom,prenom,date_naissance,code_commune,referent_email\n"
    b"R974-1,Hoarau,Lina,2009-01-05,97411,ref@cd974.example.re\n"
)
PUBLIC = {"/", "/console/connexion", "/console/connexion/proconnect", "/console/connexion/retour"}
PUBLIC |= {"/console/deconnexion/retour"}
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
    ("GET", "/console/alertes/{alert_id}", {}),
    ("POST", "/console/alertes/{alert_id}/traitee", {}),
    ("POST", "/console/alertes/commune", {"commune": "59599", "code_ml": "ML59B"}),
    ("GET", "/console/import", {}),
    ("POST", "/console/import", {"multipart": "yes"}),
    ("POST", "/console/import/depot", {}),
    ("POST", "/console/import/envoi-direct", {}),
    ("GET", "/console/import/{upload_id}", {}),
    ("GET", "/console/import/{upload_id}/etat", {}),
    ("POST", "/console/import/{upload_id}/verifier", {}),
    ("POST", "/console/import/{upload_id}/appliquer", {"confirmer_sorties": "oui"}),
    ("POST", "/console/import/{upload_id}/colonnes", {"entete-1": "Nom", "colonne-1": "nom"}),
    ("GET", "/console/exports", {}),
    ("GET", "/console/exports/{name}", {}),
    ("GET", "/console/parametres", {}),
    ("POST", "/console/parametres", {"contact_email": "x@y.fr", "ml_lead_days": "1"}),
    ("POST", "/console/parametres/agents", {"action": "retirer", "email": support.AGENT_59}),
    ("POST", "/console/deconnexion", {}),
    ("POST", "/console/departement", {"departement": "59"}),
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


def fifty_nine() -> tuple:
    """What department 59 has: youths, referrals, settings, agents."""
    department = departments.get("59")
    return (
        sorted((y.id_externe, y.fingerprint, str(y.scheduled)) for y in Youth.query("59")),
        sorted(r.referral_id for r in Referral.scan() if r.department == "59"),
        (department.contact_email, int(department.ml_lead_days), department.column_mapping),
        agents.of_department("59"),
        sorted(a.alert_id for a in alert_store.list_open("59")),
    )


def request(console, session, method: str, url: str, fields: dict):
    if fields.get("multipart"):
        body, kind = support.multipart({"csrf": session.csrf}, "r.csv", REUNION_CSV)
        headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": ORIGIN}
        return console.client.http.post(url, body=body, headers=headers)
    return console.get(url, session) if method == "GET" else console.post(url, session, fields)


@pytest.mark.parametrize(
    ("method", "path", "fields"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_another_departments_agent_gets_nothing_of_department_59(console, method, path, fields):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    own = console.sign_in(support.AGENT_59)
    sent = console.post("/console/import/depot", own).json_body["upload_id"]
    before = fifty_nine()
    session = console.sign_in(support.AGENT_974)
    blocked = alert_store.alert_id("59", AlertKind.NO_PARTNER, "D59-2|mission_locale")
    assert alert_store.get("59", blocked) is not None
    url = path.format(
        ref=refs.youth_ref("59", "D59-2"), upload_id=sent, name="jeunes.csv", alert_id=blocked
    )
    answer = request(console, session, method, url, fields)
    body = answer.body.decode("utf-8", "replace") if answer.body else ""
    if any(key in path for key in ("{ref}", "{upload_id}", "{alert_id}")):
        assert answer.status_code == 404
    else:
        assert answer.status_code in (200, 201, 303, 400, 403)
    location = answer.headers.get("Location", "")
    if location.startswith("http"):  # an export: the file itself
        body += requests.get(location, timeout=10).content.decode("utf-8", "replace")
    assert not [item for item in OTHER_DATA if item in body]
    assert fifty_nine() == before


def test_a_reference_made_for_one_department_does_not_open_in_another(console):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    session = console.sign_in(support.AGENT_974)
    foreign = refs.youth_ref("974", "D59-1")  # right id, wrong department in the sealed data
    assert console.get(f"/console/jeunes/{foreign}", session).status_code == 404
    own = refs.youth_ref("974", "R974-1")
    assert console.get(f"/console/jeunes/{own}", session).status_code == 200

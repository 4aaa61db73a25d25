"""Every console form is refused without its CSRF token or from another site, before its page
runs: the routes are read from the app's own route table, so a route added later is checked
without touching this file (SPEC §4b "Safe by default")."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from app import app
from chalicelib import aws, refs, settings
from chalicelib.console import sessions
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.clock import utcnow
from chalicelib.store import alerts as alert_store
from chalicelib.store import audit
from chalicelib.store.models import ConsoleItem, Department, Referral, Upload, Youth
from tests.support import console as support

ORIGIN = "http://127.0.0.1:8000"
READS = {"GET", "HEAD", "OPTIONS"}
# what each form would change if it were accepted (a route missing here is posted empty)
FIELDS = {
    "/console/jeunes/{ref}/orientation": {"action": "choisir", "code_ml": "ML59B"},
    "/console/jeunes/{ref}/effacement": {"confirmation": "oui"},
    "/console/import/{upload_id}/appliquer": {"confirmer_sorties": "oui"},
    "/console/import/{upload_id}/colonnes": {"entete-1": "Nom", "colonne-1": "nom"},
    "/console/parametres": {
        "contact_email": "autre@cd59.example.fr",
        "ml_lead_days": "1",
        "hj_lead_days": "1",
        "relance_jours": "3",
        "escalade_jours": "9",
    },
    "/console/parametres/agents": {"action": "ajouter", "email": "intrus@example.fr"},
    "/console/departement": {"departement": "974"},
    "/console/jeunes": {"recherche": "D59"},
}
CSV = b"id_externe,nom,prenom,date_naissance,code_commune,referent_email\n"


def console_forms() -> list[tuple[str, str, list[str]]]:
    """(method, route, content types) of every console route that is not a read."""
    return [
        (method, path, list(entry.content_types or []))
        for path, methods in sorted(app.routes.items())
        if path == "/console" or path.startswith("/console/")
        for method, entry in sorted(methods.items())
        if method not in READS
    ]


FORMS = console_forms()


def test_the_route_table_holds_every_console_form():
    assert len(FORMS) >= 13
    assert ("POST", "/console/import", ["multipart/form-data"]) in FORMS
    assert ("POST", "/console/deconnexion", ["application/x-www-form-urlencoded"]) in FORMS


def state_of_59(session_cookie: str) -> tuple:
    """Everything a console form of department 59 could change."""
    bucket = settings.current().upload_bucket
    listed = aws.client("s3").list_objects_v2(Bucket=bucket, Prefix="console/59/")
    return (
        sorted((y.id_externe, y.fingerprint, str(y.scheduled)) for y in Youth.query("59")),
        sorted((r.referral_id, r.status) for r in Referral.scan() if r.department == "59"),
        Department.get("59").attribute_values,
        sorted(item.sk for item in ConsoleItem.query("agents#59")),
        sorted(a.alert_id for a in alert_store.list_open("59")),
        sorted((u.upload_id, u.status) for u in Upload.scan() if u.department == "59"),
        sorted(o["Key"] for o in listed.get("Contents", [])),
        [(e["at"], e["action"]) for e in audit.events("59", limit=500)],
        sessions.current(session_cookie.split("=", 1)[1], utcnow()),
    )


def body_of(content_types: list[str], fields: dict[str, str]) -> tuple[bytes, str]:
    if "multipart/form-data" in content_types:
        return support.multipart(fields, "r.csv", CSV)
    return urlencode(fields).encode(), "application/x-www-form-urlencoded"


# (what is wrong, the csrf field or None for none, extra headers)
ATTEMPTS = [
    ("no token", None, {}),
    ("empty token", "", {}),
    ("wrong token", "faux", {}),
    ("non-ASCII token", "é" * 43, {}),
    ("another site", "RIGHT", {"Origin": "https://attaquant.example"}),
    ("another site by fetch metadata", "RIGHT", {"Sec-Fetch-Site": "cross-site"}),
]


@pytest.mark.parametrize(("method", "path", "types"), FORMS, ids=[f"{m} {p}" for m, p, _ in FORMS])
def test_a_console_form_without_its_token_or_from_another_site_is_refused_and_changes_nothing(
    console, method, path, types
):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    session = console.sign_in(support.AGENT_59)
    staged = console.post("/console/import/depot", session).json_body["upload_id"]
    alert = alert_store.alert_id("59", AlertKind.NO_PARTNER, "D59-2|mission_locale")
    url = path.format(ref=refs.youth_ref("59", "D59-2"), upload_id=staged, alert_id=alert)
    before = state_of_59(session.cookie)
    for wrong, token, extra in ATTEMPTS:
        fields = dict(FIELDS.get(path, {}))
        if token is not None:
            fields["csrf"] = session.csrf if token == "RIGHT" else token
        body, kind = body_of(types, fields)
        headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": ORIGIN, **extra}
        answer = console.client.http.request(method, url, body=body, headers=headers)
        assert answer.status_code == 400, (wrong, answer.status_code)
        assert "rechargez la page" in answer.body.decode(), wrong
        assert "Set-Cookie" not in answer.headers and "Location" not in answer.headers, wrong
    assert state_of_59(session.cookie) == before


@pytest.mark.parametrize(("method", "path", "types"), FORMS, ids=[f"{m} {p}" for m, p, _ in FORMS])
def test_a_console_form_without_a_session_goes_to_the_sign_in_and_changes_nothing(
    console, method, path, types
):
    session = console.sign_in(support.AGENT_59)
    before = state_of_59(session.cookie)
    body, kind = body_of(types, {"csrf": session.csrf, **FIELDS.get(path, {})})
    url = path.format(ref="x", upload_id="upl_x", alert_id="x")
    headers = {"Content-Type": kind, "Origin": ORIGIN, "Cookie": "relais_session=inconnue"}
    answer = console.client.http.request(method, url, body=body, headers=headers)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/connexion"
    assert state_of_59(session.cookie) == before


def test_the_same_form_with_its_token_from_our_pages_goes_through(console):
    session = console.sign_in(support.AGENT_59)
    fields = FIELDS["/console/parametres"]
    refused = console.post("/console/parametres", session, fields, Origin="https://autre.example")
    assert refused.status_code == 400
    assert Department.get("59").contact_email == "ase@cd59.example.fr"
    saved = console.post("/console/parametres", session, fields)
    assert saved.status_code == 303
    assert Department.get("59").contact_email == "autre@cd59.example.fr"


def test_a_token_is_compared_as_bytes_so_any_text_is_a_plain_mismatch():
    agent = sessions.Agent("59", "a@b.fr", "A", csrf="jeton", session_hash="h")
    assert sessions.csrf_ok(agent, "jeton")
    for token in ("jetoN", "é", "\udcff", "\x00", "", None, "jeton" + "²"):
        assert not sessions.csrf_ok(agent, token)

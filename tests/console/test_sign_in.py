"""Signing in to the console through the OpenID provider (authorization code + PKCE)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chalicelib.console import agents
from chalicelib.store import audit
from tests.support import console as support


def test_the_root_leads_to_the_console_and_an_unsigned_visitor_to_the_sign_in(console):
    assert console.client.http.get("/").headers["Location"] == "/console"
    answer = console.client.http.get("/console")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/console/connexion"
    page = console.client.http.get("/console/connexion").body.decode()
    assert "S'identifier avec ProConnect" in page


def test_the_authorization_request_uses_pkce_state_nonce_and_proconnect_scopes(console):
    start = console.client.http.get("/console/connexion/proconnect")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["scope"] == ["openid email given_name usual_name siret"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/console/connexion/retour"]
    cookie = start.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console/connexion" in cookie


def test_an_allowed_agent_signs_in_and_gets_a_protected_session_cookie(console):
    callback, login_cookie = console.authorize(support.AGENT_59)
    done = console.client.http.get(callback, headers={"Cookie": login_cookie})
    assert done.status_code == 303 and done.headers["Location"] == "/console"
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("relais_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    session = console.sign_in()
    page = console.get("/console", session).body.decode()
    # the mock provider keeps given_name for the "profile" scope, which ProConnect does not use
    assert "Martin" in page and "département 59" in page
    assert any(e["action"] == "sign_in" for e in audit.events("59"))


def test_a_callback_without_the_browser_state_cookie_is_refused(console):
    callback, _ = console.authorize(support.AGENT_59)
    answer = console.client.http.get(callback)
    assert answer.status_code == 400
    assert "Set-Cookie" not in answer.headers


def test_a_callback_replayed_a_second_time_is_refused(console):
    callback, login_cookie = console.authorize(support.AGENT_59)
    first = console.client.http.get(callback, headers={"Cookie": login_cookie})
    assert first.status_code == 303
    again = console.client.http.get(callback, headers={"Cookie": login_cookie})
    assert again.status_code == 400


def test_an_email_no_department_allowed_is_refused_with_whom_to_ask(console):
    callback, login_cookie = console.authorize("inconnu@ailleurs.example.fr")
    answer = console.client.http.get(callback, headers={"Cookie": login_cookie})
    assert answer.status_code == 403
    assert "Demandez à un collègue" in answer.body.decode()
    assert "Set-Cookie" not in answer.headers


def test_signing_out_ends_the_session_for_good(console):
    session = console.sign_in()
    out = console.post("/console/deconnexion", session)
    assert out.status_code == 303
    [cleared] = [c for c in support.set_cookies(out) if c.startswith("relais_session=")]
    assert "Max-Age=0" in cleared
    assert console.get("/console", session).status_code == 303
    assert any(e["action"] == "sign_out" for e in audit.events("59"))


def test_a_form_without_its_csrf_token_changes_nothing(console):
    session = console.sign_in()
    refused = console.post("/console/deconnexion", support.Session(session.cookie, "faux"))
    assert refused.status_code == 400
    assert console.get("/console", session).status_code == 200


def test_an_agent_of_two_departments_switches_between_them(console):
    agents.add("974", support.AGENT_59, actor="test")
    session = console.sign_in()
    home = console.get("/console", session).body.decode()
    assert 'name="departement"' in home and "département 59" in home
    moved = console.post("/console/departement", session, {"departement": "974"})
    assert moved.status_code == 303
    assert "département 974" in console.get("/console", session).body.decode()
    refused = console.post("/console/departement", session, {"departement": "2A"})
    assert refused.status_code == 403


def test_an_agent_of_one_department_cannot_switch_to_another(console):
    session = console.sign_in(support.AGENT_974)
    assert 'name="departement"' not in console.get("/console", session).body.decode()
    refused = console.post("/console/departement", session, {"departement": "59"})
    assert refused.status_code == 403
    assert "département 974" in console.get("/console", session).body.decode()

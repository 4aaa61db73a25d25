"""Signing out of the console also ends the agent's session at the OpenID provider (ProConnect's
RP-initiated logout): on a shared computer, the next person must sign in again."""

from __future__ import annotations

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from chalicelib.console import sessions
from chalicelib.domain.clock import utcnow
from chalicelib.store import audit
from chalicelib.store import console as store
from tests.fixtures.privacy import sensitive
from tests.support import console as support

RETURN_URI = "http://127.0.0.1:8000/console/deconnexion/retour"


def id_token_of(session: support.Session) -> str:
    """The ID token our table keeps for this browser's session."""
    session_id = support.cookie_value(session.cookie, "relais_session")
    stored = store.read_session(sessions.hash_id(session_id), utcnow())
    assert stored is not None and stored.id_token
    return sensitive(stored.id_token, "ID token")  # the privacy fixture: never in a log


def cookie_named(response, name: str) -> str:
    [cookie] = [c for c in support.set_cookies(response) if c.startswith(f"{name}=")]
    return cookie


def test_signing_out_sends_the_browser_to_the_providers_end_session_with_this_sessions_token(
    console, oidc_provider
):
    session, other = console.sign_in(), console.sign_in()
    token = id_token_of(session)
    assert token != id_token_of(other)
    out = console.post("/console/deconnexion", session)
    assert out.status_code == 303
    location = out.headers["Location"]
    assert location.split("?")[0] == f"{oidc_provider.issuer}/oauth2/end_session"
    query = support.query_of(location)
    assert query["id_token_hint"] == token
    assert query["post_logout_redirect_uri"] == RETURN_URI
    assert len(query["state"]) >= 32
    keys = KeySet.import_key_set(requests.get(f"{oidc_provider.issuer}/jwks", timeout=10).json())
    claims = jwt.decode(token, keys).claims  # the provider's own token, for our client
    assert claims["sub"] == support.AGENT_59 and "relais-ase" in claims["aud"]


def test_after_signing_out_our_session_is_closed_and_its_cookie_cleared(console):
    session = console.sign_in()
    out = console.post("/console/deconnexion", session)
    assert "Max-Age=0" in cookie_named(out, "relais_session")
    assert console.get("/console", session).headers["Location"] == "/console/connexion"
    assert any(e["action"] == "sign_out" for e in audit.events("59"))


def test_the_sign_out_state_waits_in_a_short_cookie_of_this_browser(console):
    out = console.post("/console/deconnexion", console.sign_in())
    cookie = cookie_named(out, "relais_deconnexion")
    assert (
        support.cookie_value(cookie, "relais_deconnexion")
        == (support.query_of(out.headers["Location"])["state"])
    )
    assert "Path=/console/deconnexion" in cookie and "Max-Age=600" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_provider_ends_its_session_and_sends_the_agent_back_to_the_sign_in_page(console):
    out = console.post("/console/deconnexion", console.sign_in())
    back = console.end_session_at_provider(out.headers["Location"])
    assert back.startswith("/console/deconnexion/retour?")
    state = support.query_of(out.headers["Location"])["state"]
    assert support.query_of(back)["state"] == state
    landed = console.client.http.get(back, headers={"Cookie": f"relais_deconnexion={state}"})
    assert landed.status_code == 303
    assert landed.headers["Location"] == "/console/connexion?message=sortie"
    assert "Max-Age=0" in cookie_named(landed, "relais_deconnexion")
    page = console.client.http.get(landed.headers["Location"]).body.decode()
    assert "Vous êtes déconnecté(e) de Relais ASE et de ProConnect." in page


def test_the_providers_sign_out_page_received_the_id_token_hint(console):
    session = console.sign_in()
    token = id_token_of(session)
    out = console.post("/console/deconnexion", session)
    shown = requests.get(out.headers["Location"], timeout=10).text
    # the mock provider lists the parameters it received and warns when id_token_hint is missing
    assert token in shown and "id_token_hint</code> not set" not in shown


def test_a_return_this_browser_did_not_start_shows_no_sign_out_message(console):
    out = console.post("/console/deconnexion", console.sign_in())
    back = console.end_session_at_provider(out.headers["Location"])
    for cookie in ("", "relais_deconnexion=" + "x" * 43):
        landed = console.client.http.get(back, headers={"Cookie": cookie} if cookie else {})
        assert landed.status_code == 303
        assert landed.headers["Location"] == "/console/connexion"


def test_signing_in_again_after_signing_out_asks_the_provider_again(console):
    out = console.post("/console/deconnexion", console.sign_in())
    console.end_session_at_provider(out.headers["Location"])
    start = console.client.http.get("/console/connexion/proconnect")

    # the mock provider keeps no session: its page asks who signs in, every time (ProConnect
    # asks again once its session was ended by the sign-out)
    asked = requests.get(start.headers["Location"], timeout=10)
    assert asked.status_code == 200 and support.AGENT_59 in asked.text
    assert console.sign_in().cookie


def test_a_provider_without_end_session_leaves_the_agent_on_our_sign_in_page(
    console, oidc_provider, monkeypatch
):
    session = console.sign_in()
    with support.provider_variant(oidc_provider.issuer, end_session_endpoint=None) as issuer:
        monkeypatch.setenv("OIDC_ISSUER", issuer)
        out = console.post("/console/deconnexion", session)
    assert out.status_code == 303
    assert out.headers["Location"] == "/console/connexion?message=sortie-locale"
    assert "Max-Age=0" in cookie_named(out, "relais_session")
    assert console.get("/console", session).status_code == 303
    page = console.client.http.get(out.headers["Location"]).body.decode()
    assert "sur un ordinateur partagé, fermez le navigateur" in page


def test_an_unreachable_provider_at_sign_out_still_closes_our_session(console, monkeypatch):
    session = console.sign_in()
    monkeypatch.setenv("OIDC_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    out = console.post("/console/deconnexion", session)
    assert out.headers["Location"] == "/console/connexion?message=sortie-locale"
    assert console.get("/console", session).status_code == 303


def test_a_session_opened_before_id_tokens_were_kept_signs_out_here_only(console):
    session_id, csrf, now = "s" * 43, "c" * 43, utcnow()
    opened = store.StoredSession(
        department="59",
        email=support.AGENT_59,
        name="Camille Martin",
        csrf=csrf,
        created_at=now,
        seen_at=now,
        allowed=("59",),
    )
    store.open_session(sessions.hash_id(session_id), opened, now + sessions.IDLE)
    session = support.Session(f"relais_session={session_id}", csrf)
    assert console.get("/console", session).status_code == 200
    out = console.post("/console/deconnexion", session)
    assert out.headers["Location"] == "/console/connexion?message=sortie-locale"
    assert console.get("/console", session).status_code == 303


def test_console_forms_may_lead_to_the_provider_for_the_sign_out(console, oidc_provider):
    page = console.get("/console", console.sign_in())
    policy = page.headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_an_end_session_endpoint_on_another_origin_is_named_in_form_action_once_known(
    console, oidc_provider, monkeypatch
):
    session = console.sign_in()
    elsewhere = "https://deconnexion.example.fr/session/end"
    with support.provider_variant(oidc_provider.issuer, end_session_endpoint=elsewhere) as issuer:
        monkeypatch.setenv("OIDC_ISSUER", issuer)
        out = console.post("/console/deconnexion", session)
        assert out.headers["Location"].startswith(elsewhere + "?id_token_hint=")
        policy = console.client.http.get("/console/connexion").headers["Content-Security-Policy"]
    assert f"form-action 'self' {issuer} https://deconnexion.example.fr;" in policy


def test_signing_out_without_the_csrf_token_leaves_both_sessions_open(console):
    session = console.sign_in()
    refused = console.post("/console/deconnexion", support.Session(session.cookie, "faux"))
    assert refused.status_code == 400
    assert "Location" not in refused.headers
    assert console.get("/console", session).status_code == 200


def test_a_forged_non_ascii_sign_out_state_is_a_mismatch_not_an_error(console):
    landed = console.client.http.get(
        "/console/deconnexion/retour?state=%C3%A9t%C3%A9",
        headers={"Cookie": "relais_deconnexion=" + "x" * 43},
    )
    assert landed.status_code == 303
    assert landed.headers["Location"] == "/console/connexion"

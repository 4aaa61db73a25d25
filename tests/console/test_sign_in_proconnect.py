"""Contract tests of the console's sign-in against a provider as strict as ProConnect (60 s
tokens, RS256 and ES256, userinfo as a signed JWT, key rotation, PKCE, RP-initiated logout), and
against every tampering a forged or broken provider answer can carry."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Iterator

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from chalicelib.console import oidc
from tests.fixtures.privacy import sensitive
from tests.support import console as support
from tests.support.proconnect import Client, StrictProvider, authorize, callback
from tests.support.static_site import StaticSite, serving

AGENT = support.AGENT_59
REFUSED = "La connexion n'a pas abouti : recommencez."
UNAVAILABLE = "La connexion avec ProConnect est indisponible pour le moment"


@pytest.fixture(scope="module")
def strict_server() -> Iterator[StrictProvider]:
    provider = StrictProvider(
        Client(
            client_id="relais-ase",
            client_secret="",
            redirect_uri="http://127.0.0.1:8000/console/connexion/retour",
            post_logout_redirect_uri="http://127.0.0.1:8000/console/deconnexion/retour",
        )
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def proconnect(console, strict_server: StrictProvider, monkeypatch) -> StrictProvider:
    """The strict provider as ``OIDC_ISSUER``, registered with this test's client secret."""
    monkeypatch.setenv("OIDC_ISSUER", strict_server.issuer)
    for name in ("OIDC_SIGNING_ALG", "OIDC_ACR_VALUES"):
        monkeypatch.delenv(name, raising=False)
    oidc.forget()
    strict_server.reset()
    strict_server.client.client_secret = oidc.client_secret(oidc.provider())
    sensitive(AGENT, "email")
    sensitive(strict_server.subject_of(AGENT), "ProConnect sub")
    return strict_server


def signed_in(answer) -> bool:
    cookies = support.set_cookies(answer)
    return answer.status_code == 303 and any(c.startswith("relais_session=") for c in cookies)


def session_of(console, answer) -> support.Session:
    """The signed-in browser's session after our callback's answer."""
    cookie = (
        f"relais_session={support.cookie_value(answer.headers['Set-Cookie'], 'relais_session')}"
    )
    home = console.get("/console", support.Session(cookie, ""))
    assert home.status_code == 200, home.body
    [csrf] = set(support.CSRF.findall(home.body.decode()))
    return support.Session(cookie, csrf)


def log_lines(capsys) -> list[dict]:
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines]


def assert_refused(answer, capsys, cause: str, status: int = 400) -> None:
    """A French page with a 4xx (or 503) status, no session, and a log line naming the cause."""
    page = html.unescape(answer.body.decode())
    assert answer.status_code == status, page
    assert (UNAVAILABLE if status == 503 else REFUSED) in page and 'lang="fr"' in page
    assert not any(c.startswith("relais_session=") for c in support.set_cookies(answer))
    refusals = [
        line for line in log_lines(capsys) if line.get("message") == "console sign-in refused"
    ]
    assert [line["cause"] for line in refusals] == [cause]


# --- ProConnect as it behaves -----------------------------------------------------------------


def test_an_agent_signs_in_with_access_and_id_tokens_that_live_60_seconds(proconnect, console):
    answer = callback(console.client, proconnect, AGENT)
    assert signed_in(answer), answer.body
    assert proconnect.requests.count("userinfo") == 1
    page = console.get("/console", session_of(console, answer)).body.decode()
    assert "Camille Martin" in page


def test_a_token_received_with_one_second_left_is_still_used_at_once(proconnect, console):
    proconnect.tamper(expires_in=1)
    assert signed_in(callback(console.client, proconnect, AGENT))


def test_the_authorization_request_carries_only_what_proconnect_accepts(proconnect, console):
    start = console.client.http.get("/console/connexion/proconnect")
    query = support.query_of(start.headers["Location"])
    assert start.headers["Location"].startswith(f"{proconnect.issuer}/authorize?")
    assert set(query) == {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    }
    assert query["code_challenge_method"] == "S256"


def test_an_agent_signs_in_with_es256_when_that_is_the_registered_algorithm(
    proconnect, console, monkeypatch
):
    monkeypatch.setenv("OIDC_SIGNING_ALG", "ES256")
    proconnect.reset(algorithm="ES256")
    assert signed_in(callback(console.client, proconnect, AGENT))


def test_tokens_signed_with_another_algorithm_than_the_registered_one_are_refused(
    proconnect, console, capsys
):
    proconnect.reset(algorithm="ES256")  # we are set to RS256 (the default)
    assert_refused(callback(console.client, proconnect, AGENT), capsys, "unexpected_algorithm")


def test_a_signing_algorithm_setting_that_is_not_asymmetric_is_a_503_not_a_guess(
    proconnect, console, monkeypatch, capsys
):
    monkeypatch.setenv("OIDC_SIGNING_ALG", "HS256")
    assert_refused(callback(console.client, proconnect, AGENT), capsys, "misconfigured", 503)


def test_after_the_provider_rotates_its_keys_the_next_sign_in_works(proconnect, console):
    assert signed_in(callback(console.client, proconnect, AGENT))
    proconnect.keys.rotate()
    assert signed_in(callback(console.client, proconnect, AGENT))


def test_a_userinfo_answered_as_plain_json_is_still_accepted(proconnect, console):
    proconnect.tamper(userinfo_body="json")
    assert signed_in(callback(console.client, proconnect, AGENT))


def test_an_id_token_for_several_audiences_is_accepted_when_we_are_its_authorized_party(
    proconnect, console
):
    proconnect.tamper(id_token={"aud": ["relais-ase", "autre-fs"], "azp": "relais-ase"})
    assert signed_in(callback(console.client, proconnect, AGENT))


def test_acr_values_is_asked_only_when_set_and_the_id_token_must_match_it(
    proconnect, console, monkeypatch, capsys
):
    monkeypatch.setenv("OIDC_ACR_VALUES", "eidas1")
    start = console.client.http.get("/console/connexion/proconnect")
    assert support.query_of(start.headers["Location"])["acr_values"] == "eidas1"
    assert signed_in(callback(console.client, proconnect, AGENT))
    proconnect.acr = "eidas0"
    assert_refused(callback(console.client, proconnect, AGENT), capsys, "acr_mismatch")


def test_signing_out_goes_through_proconnects_end_session_and_back(proconnect, console):
    session = session_of(console, callback(console.client, proconnect, AGENT))
    out = console.post("/console/deconnexion", session)
    assert out.headers["Location"].startswith(f"{proconnect.issuer}/session/end?")
    back = requests.get(out.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 303
    state = support.query_of(out.headers["Location"])["state"]
    landed = console.client.http.get(
        support.path_of(back.headers["Location"]),
        headers={"Cookie": f"relais_deconnexion={state}"},
    )
    assert landed.headers["Location"] == "/console/connexion?message=sortie"


# --- tampering: each refused with a French page and its cause in the log ---------------------


@pytest.mark.parametrize(
    ("id_token", "cause"),
    [
        ({"aud": "autre-fs", "azp": "relais-ase"}, "audience_mismatch"),
        ({"aud": ["relais-ase", "autre-fs"], "azp": "autre-fs"}, "audience_mismatch"),
        ({"aud": ["relais-ase", "autre-fs"], "azp": None}, "audience_mismatch"),
        ({"iss": "https://faux-proconnect.example.fr/api/v2"}, "issuer_mismatch"),
        ({"nonce": "n" * 43}, "nonce_mismatch"),
        ({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "at_hash_mismatch"),
        ({"exp": int(time.time()) - 3600}, "token_expired"),
    ],
)
def test_an_id_token_with_forged_claims_is_refused(proconnect, console, capsys, id_token, cause):
    proconnect.tamper(id_token=id_token)
    assert_refused(callback(console.client, proconnect, AGENT), capsys, cause)


@pytest.mark.parametrize(
    ("signing", "cause"),
    [
        ("none", "unexpected_algorithm"),
        ("hs256_public_key", "unexpected_algorithm"),
        ("foreign_key", "bad_signature"),
    ],
)
def test_an_id_token_not_signed_by_the_provider_is_refused(
    proconnect, console, capsys, signing, cause
):
    proconnect.tamper(id_token_signing=signing)
    assert_refused(callback(console.client, proconnect, AGENT), capsys, cause)


@pytest.mark.parametrize(
    ("tampering", "cause"),
    [
        ({"userinfo_signing": "foreign_key"}, "bad_signature"),
        ({"userinfo_signing": "none"}, "unexpected_algorithm"),
        ({"userinfo_signing": "hs256_public_key"}, "unexpected_algorithm"),
        ({"userinfo_body": "garbage"}, "malformed_token"),
        ({"userinfo": {"iss": "https://faux-proconnect.example.fr/api/v2"}}, "issuer_mismatch"),
        ({"userinfo": {"aud": "autre-fs"}}, "audience_mismatch"),
        ({"userinfo": {"sub": "quelqu-un-d-autre"}}, "subject_mismatch"),
        ({"userinfo_body": "json", "userinfo": {"sub": "quelqu-un-d-autre"}}, "subject_mismatch"),
    ],
)
def test_a_forged_or_unsigned_userinfo_is_refused(proconnect, console, capsys, tampering, cause):
    proconnect.tamper(**tampering)
    assert_refused(callback(console.client, proconnect, AGENT), capsys, cause)


@pytest.mark.parametrize("endpoint", ["token", "jwks", "userinfo"])
def test_a_provider_endpoint_that_is_down_gives_a_french_503_page(
    proconnect, console, capsys, endpoint
):
    proconnect.tamper(down=frozenset({endpoint}))
    assert_refused(callback(console.client, proconnect, AGENT), capsys, "provider_unreachable", 503)


def test_an_unreachable_provider_at_sign_in_gives_a_french_503_page(
    proconnect, console, monkeypatch, capsys
):
    monkeypatch.setenv("OIDC_ISSUER", "http://127.0.0.1:9/api/v2")  # nothing listens there
    answer = console.client.http.get("/console/connexion/proconnect")
    assert_refused(answer, capsys, "provider_unreachable", 503)


def test_a_code_the_provider_no_longer_honours_is_refused(proconnect, console, capsys):
    path, login_cookie = authorize(console.client, proconnect, AGENT)
    proconnect.expire_codes()  # ProConnect's codes live 30 seconds
    answer = console.client.http.get(path, headers={"Cookie": login_cookie})
    assert_refused(answer, capsys, "provider_refused")


def test_a_discovery_document_that_is_not_one_gives_a_french_503_page(
    proconnect, console, monkeypatch, capsys
):
    page = StaticSite("text/html")
    page.serve("<html>Maintenance</html>")
    with serving(page) as site:
        monkeypatch.setenv("OIDC_ISSUER", f"http://127.0.0.1:{site.port}/api/v2")
        answer = console.client.http.get("/console/connexion/proconnect")
    assert_refused(answer, capsys, "bad_provider_metadata", 503)


def test_a_client_secret_missing_from_secrets_manager_gives_a_french_503_page(
    proconnect, console, monkeypatch, capsys
):
    monkeypatch.setenv("OIDC_CLIENT_SECRET_NAME", "relais-dev/proconnect-absent")
    oidc.forget()
    answer = console.client.http.get("/console/connexion/proconnect")
    assert_refused(answer, capsys, "misconfigured", 503)


def test_a_discovery_document_naming_another_issuer_gives_a_french_503_page(
    proconnect, console, monkeypatch, capsys
):
    url = f"{proconnect.issuer}/.well-known/openid-configuration"
    document = {**requests.get(url, timeout=10).json(), "issuer": "https://faux.example.fr/api/v2"}
    discovery = StaticSite("application/json", path="/api/v2/.well-known/openid-configuration")
    discovery.serve(json.dumps(document))
    with serving(discovery) as site:
        monkeypatch.setenv("OIDC_ISSUER", f"http://127.0.0.1:{site.port}/api/v2")
        answer = callback(console.client, proconnect, AGENT)
    assert_refused(answer, capsys, "bad_provider_metadata", 503)


# --- the strict provider itself holds to ProConnect's rules (else the tests above prove less) --


def test_the_strict_provider_refuses_what_proconnect_refuses(proconnect, console):
    start = console.client.http.get("/console/connexion/proconnect")
    location = start.headers["Location"]
    extra = requests.get(f"{location}&foo=bar", allow_redirects=False, timeout=10)
    assert extra.status_code == 400  # ProConnect: any unknown parameter is Y000400
    proconnect.sign_in_as(AGENT)
    back = requests.get(location, allow_redirects=False, timeout=10)
    code = support.query_of(back.headers["Location"])["code"]
    token_url = f"{proconnect.issuer}/token"
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": proconnect.client.redirect_uri,
        "client_id": "relais-ase",
        "client_secret": proconnect.client.client_secret,
        "code_verifier": "v" * 43,  # not the one behind the challenge
    }
    basic = requests.post(token_url, data=form, auth=("relais-ase", "x"), timeout=10)
    assert basic.status_code == 401  # client_secret_post only
    wrong_verifier = requests.post(token_url, data=form, timeout=10)
    assert wrong_verifier.json() == {"error": "invalid_grant"}
    unknown = requests.get(
        f"{proconnect.issuer}/userinfo", headers={"Authorization": "Bearer x"}, timeout=10
    )
    assert unknown.status_code == 401


def test_the_strict_provider_issues_60_second_tokens_and_a_signed_jwt_userinfo(proconnect, console):
    assert signed_in(callback(console.client, proconnect, AGENT))
    assert proconnect.requests[-4:] == ["authorize", "token", "jwks", "userinfo"]
    token = proconnect.last_token
    keys = KeySet.import_key_set(requests.get(f"{proconnect.issuer}/jwks", timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    assert token["expires_in"] == 60 and id_token.claims["exp"] - id_token.claims["iat"] == 60
    answer = requests.get(
        f"{proconnect.issuer}/userinfo",
        headers={"Authorization": f"Bearer {sensitive(token['access_token'], 'token')}"},
        timeout=10,
    )
    assert answer.headers["Content-Type"].startswith("application/jwt")
    userinfo = jwt.decode(answer.text, keys, algorithms=["RS256"]).claims
    assert userinfo["iss"] == proconnect.issuer and userinfo["aud"] == "relais-ase"
    assert userinfo["sub"] == id_token.claims["sub"] and userinfo["email"] == AGENT
    document = requests.get(
        f"{proconnect.issuer}/.well-known/openid-configuration", timeout=10
    ).json()
    assert "HS256" in document["id_token_signing_alg_values_supported"]  # as ProConnect lists

"""A strict OpenID provider that behaves as ProConnect documents (test code), for the contract
tests of the console's sign-in. The lenient mock provider (``chalicelib/local/oidc_provider.py``)
stays for ``make run`` and the other console tests.

What it does as ProConnect does (its partners' documentation, and its code in
proconnect-gouv/federation, built on panva's oidc-provider):
- endpoints under ``/api/v2``: ``authorize``, ``token``, ``userinfo``, ``jwks``, ``session/end``;
  an authorization request with a parameter it does not know is refused;
- access and ID tokens that live 60 s (``expires_in: 60``), codes 30 s (its code until October
  2025; its documentation now says 60 s), used once;
- ES256 and RS256 keys published side by side; a client's tokens are signed with the algorithm
  registered for it; the discovery document also advertises HS256;
- ``client_secret_post`` at the token endpoint, PKCE S256 checked when a challenge was sent;
- userinfo as a JWT signed like the ID token (``application/jwt``) with ``iss``, ``aud``, ``sub``;
- RP-initiated logout: ``id_token_hint`` verified, ``state`` and a registered
  ``post_logout_redirect_uri``.
No interaction: the agent named by ``sign_in_as`` is signed in at once, as with a live ProConnect
session. ``tamper`` makes the next answers those of an attacker or of a broken provider.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.oidc.core.util import create_half_hash
from werkzeug.wrappers import Request, Response

from chalicelib.local.background import BackgroundServer
from tests.support import console
from tests.support.proconnect_keys import Keys, b64

PREFIX = "/api/v2"
TOKEN_LIFETIME = 60  # seconds, access and ID tokens alike
CODE_LIFETIME = 30
AUTHORIZE_PARAMETERS = {  # ProConnect's AuthorizeParamsDto: any other parameter is a 400
    "response_type",
    "response_mode",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
    "claims",
    "prompt",
    "idp_hint",
    "siret_hint",
    "login_hint",
}


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    algorithm: str = "RS256"


@dataclass
class Tampering:
    """How the next answers differ from ProConnect's. ``id_token`` / ``userinfo`` claims replace
    the real ones (None removes one); ``id_token_signing`` / ``userinfo_signing``: "none"
    (unsigned), "hs256_public_key" (HS256 keyed with the provider's public key), "foreign_key"
    (another key under the real key's id); ``userinfo_body`` replaces the whole answer
    ("garbage", "json"); ``down``: endpoints that answer 503."""

    id_token: dict[str, Any] = field(default_factory=dict)
    userinfo: dict[str, Any] = field(default_factory=dict)
    id_token_signing: str = ""
    userinfo_signing: str = ""
    userinfo_body: str = ""
    expires_in: int = TOKEN_LIFETIME
    down: frozenset[str] = frozenset()


@dataclass
class _Grant:
    email: str
    nonce: str
    challenge: str
    redirect_uri: str
    expires_at: float
    acr: str = "eidas1"


def _agent_claims(email: str) -> dict[str, Any]:
    given_name, _, usual_name = email.split("@")[0].partition(".")
    return {
        "sub": hashlib.sha256(email.encode()).hexdigest(),  # ProConnect's sub is opaque
        "email": email,
        "given_name": given_name.capitalize(),
        "usual_name": usual_name.capitalize(),
        "siret": "22590001000017",
        "idp_id": "fia1v2",
    }


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json; charset=utf-8")


def _error(error: str, status: int = 400) -> Response:
    return _json({"error": error}, status)


class StrictProvider:
    """``start()`` / ``stop()``; ``issuer`` is the URL to put in ``OIDC_ISSUER``."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.keys = Keys()
        self.tampering = Tampering()
        self.agent = ""
        self.acr = "eidas1"
        self.requests: list[str] = []  # the paths asked, in order
        self.last_token: dict[str, Any] = {}  # the token endpoint's last answer
        self._grants: dict[str, _Grant] = {}
        self._access: dict[str, tuple[dict[str, Any], float]] = {}
        self._background = BackgroundServer(self._wsgi)

    # --- what a test sets ---------------------------------------------------------------------
    def sign_in_as(self, email: str) -> None:
        self.agent = email

    def tamper(self, **changes: Any) -> None:
        self.tampering = Tampering(**changes)

    def reset(self, algorithm: str = "RS256") -> None:
        self.tampering, self.client.algorithm, self.acr = Tampering(), algorithm, "eidas1"
        self.requests.clear()

    def expire_codes(self) -> None:
        self._grants.clear()

    def subject_of(self, email: str) -> str:
        return str(_agent_claims(email)["sub"])

    # --- serving ------------------------------------------------------------------------------
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._background.port}"

    @property
    def issuer(self) -> str:
        return self.origin + PREFIX

    def start(self) -> StrictProvider:
        self._background.start()
        return self

    def stop(self) -> None:
        self._background.stop()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        name = request.path.removeprefix(PREFIX).strip("/")
        self.requests.append(name)
        routes = {
            ".well-known/openid-configuration": self._discovery,
            "authorize": self._authorize,
            "token": self._token,
            "userinfo": self._userinfo,
            "jwks": lambda _: _json(self.keys.public()),
            "session/end": self._end_session,
        }
        if name in self.tampering.down:
            answer = Response("Service Unavailable", 503, content_type="text/plain")
        elif not request.path.startswith(PREFIX) or name not in routes:
            answer = _error("not_found", 404)
        else:
            answer = routes[name](request)
        return answer(environ, start_response)

    # --- endpoints ----------------------------------------------------------------------------
    def _discovery(self, request: Request) -> Response:
        url = self.issuer
        algorithms = ["ES256", "RS256", "HS256"]  # as ProConnect lists them
        return _json(
            {
                "issuer": url,
                "authorization_endpoint": f"{url}/authorize",
                "token_endpoint": f"{url}/token",
                "userinfo_endpoint": f"{url}/userinfo",
                "jwks_uri": f"{url}/jwks",
                "end_session_endpoint": f"{url}/session/end",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
                "id_token_signing_alg_values_supported": algorithms,
                "userinfo_signing_alg_values_supported": algorithms,
                "acr_values_supported": ["eidas1", "eidas2", "eidas3"],
                "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret"],
            }
        )

    def _authorize(self, request: Request) -> Response:
        query = request.args
        unknown = set(query) - AUTHORIZE_PARAMETERS
        wrong = (
            unknown
            or query.get("client_id") != self.client.client_id
            or query.get("redirect_uri") != self.client.redirect_uri
            or query.get("response_type") != "code"
            or "openid" not in (query.get("scope") or "").split()
            or len(query.get("state") or "") < 32
            or len(query.get("nonce") or "") < 32
            or query.get("code_challenge_method", "S256") != "S256"
        )
        if wrong or not self.agent:
            return _error("invalid_request")
        code = secrets.token_urlsafe(32)
        self._grants[code] = _Grant(
            email=self.agent,
            nonce=query["nonce"],
            challenge=query.get("code_challenge", ""),
            redirect_uri=query["redirect_uri"],
            expires_at=time.time() + CODE_LIFETIME,
            acr=self.acr,
        )
        back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        return Response("", 302, headers={"Location": back})

    def _token(self, request: Request) -> Response:
        form = request.form
        if request.authorization is not None or (
            form.get("client_id"),
            form.get("client_secret"),
        ) != (self.client.client_id, self.client.client_secret):
            return _error("invalid_client", 401)  # client_secret_post only
        grant = self._grants.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.expires_at < time.time()
            or form.get("redirect_uri") != grant.redirect_uri
            or not _pkce_ok(grant.challenge, form.get("code_verifier", ""))
        ):
            return _error("invalid_grant")
        access_token = secrets.token_urlsafe(32)
        agent = _agent_claims(grant.email)
        self._access[access_token] = (agent, time.time() + TOKEN_LIFETIME)
        self.last_token = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": self.tampering.expires_in,
            "id_token": self._id_token(agent, grant, access_token),
            "scope": "openid email given_name usual_name siret",
        }
        return _json(self.last_token)

    def _id_token(self, agent: dict[str, Any], grant: _Grant, access_token: str) -> str:
        now = int(time.time())
        algorithm = self.client.algorithm
        claims = {
            "sub": agent["sub"],
            "iss": self.issuer,
            "aud": self.client.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "auth_time": now,
            "nonce": grant.nonce,
            "acr": grant.acr,
            "amr": ["pwd"],
            "idp_id": agent["idp_id"],
            "at_hash": create_half_hash(access_token, algorithm).decode(),
        }
        claims = _changed(claims, self.tampering.id_token)
        return self.keys.sign(claims, algorithm, self.tampering.id_token_signing)

    def _userinfo(self, request: Request) -> Response:
        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        agent, expires_at = self._access.get(bearer, ({}, 0.0))
        if not agent or expires_at < time.time():
            return Response("", 401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        now = int(time.time())
        claims = {**agent, "iss": self.issuer, "aud": self.client.client_id, "iat": now}
        claims = _changed(claims, self.tampering.userinfo)
        if self.tampering.userinfo_body == "json":
            return _json(claims)
        if self.tampering.userinfo_body == "garbage":
            return Response("<html>Erreur</html>", 200, content_type="application/jwt")
        signed = self.keys.sign(claims, self.client.algorithm, self.tampering.userinfo_signing)
        return Response(signed, 200, content_type="application/jwt; charset=utf-8")

    def _end_session(self, request: Request) -> Response:
        query = request.args
        try:
            claims = self.keys.verify(query.get("id_token_hint", ""))
        except Exception:
            return _error("invalid_request")
        redirect = query.get("post_logout_redirect_uri")
        if claims.get("aud") != self.client.client_id or redirect != (
            self.client.post_logout_redirect_uri
        ):
            return _error("invalid_request")
        back = f"{redirect}?{urlencode({'state': query.get('state', '')})}"
        return Response("", 303, headers={"Location": back})


def _pkce_ok(challenge: str, verifier: str) -> bool:
    if not challenge:
        return not verifier
    computed = b64(hashlib.sha256(verifier.encode()).digest())
    return secrets.compare_digest(computed, challenge)


def _changed(claims: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = {**claims, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def authorize(client: Any, provider: StrictProvider, email: str) -> tuple[str, str]:
    """A browser signing in as ``email``: (the callback path, the login cookie header)."""
    provider.sign_in_as(email)
    start = client.http.get("/console/connexion/proconnect")
    assert start.status_code == 302, start.body
    state = console.cookie_value(start.headers["Set-Cookie"], "relais_connexion")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return console.path_of(answer.headers["Location"]), f"relais_connexion={state}"


def callback(client: Any, provider: StrictProvider, email: str) -> Any:
    """Our callback's answer once ``email`` signed in at the provider."""
    path, login_cookie = authorize(client, provider, email)
    return client.http.get(path, headers={"Cookie": login_cookie})

"""ProConnect (OpenID Connect) sign-in, client side, through authlib.

Authorization code flow with PKCE (S256), ``state`` and ``nonce`` of 43 characters, the scopes
ProConnect documents. The provider is configuration: ``OIDC_ISSUER`` (ProConnect in production, the
local mock provider for ``make run`` and the tests), ``OIDC_CLIENT_ID``, and the client secret in
Secrets Manager (``OIDC_CLIENT_SECRET_NAME``, JSON ``{"client_secret": …}``).

ProConnect answers the userinfo request with a signed JWT (``application/jwt``); a plain JSON
answer (the mock provider) is accepted too. The ID token is checked by authlib's ``CodeIDToken``
(issuer, audience, expiry, nonce, ``at_hash``) after joserfc verified its signature.

Sign-out is RP-initiated logout, as ProConnect requires: the browser goes to the provider's
``end_session_endpoint`` with the session's ID token (``id_token_hint``), a ``state`` and the
registered ``post_logout_redirect_uri``, so that the next person at a shared computer is asked
to sign in again.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from chalicelib import aws, settings
from chalicelib.observability import log_failure

SCOPES = "openid email given_name usual_name siret"
CALLBACK_PATH = "/console/connexion/retour"
SIGN_OUT_RETURN_PATH = "/console/deconnexion/retour"
TIMEOUT = 10
_metadata: dict[str, dict] = {}
_secrets: dict[tuple[str, str | None], str] = {}
_lock = threading.Lock()


class SignInError(Exception):
    """The provider's answer cannot be trusted or used: the agent is asked to sign in again."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    secret_name: str


@dataclass(frozen=True)
class Identity:
    email: str
    given_name: str
    usual_name: str
    siret: str
    subject: str
    id_token: str = field(default="", repr=False)  # kept for id_token_hint; never logged


def provider() -> Provider:
    stage = settings.current().stage
    return Provider(
        issuer=os.environ.get("OIDC_ISSUER", "").rstrip("/"),
        client_id=os.environ.get("OIDC_CLIENT_ID", "relais-ase"),
        secret_name=os.environ.get("OIDC_CLIENT_SECRET_NAME", f"relais-{stage}/proconnect"),
    )


def random_value() -> str:
    """43 URL-safe characters (256 bits): state, nonce and PKCE verifier alike."""
    return secrets.token_urlsafe(32)


def redirect_uri() -> str:
    return settings.current().public_base_url + CALLBACK_PATH


def post_logout_redirect_uri() -> str:
    return settings.current().public_base_url + SIGN_OUT_RETURN_PATH


def metadata(issuer: str) -> dict:
    """The provider's discovery document, read once per process."""
    if not issuer:
        raise SignInError("OIDC_ISSUER n'est pas configuré.")
    if issuer not in _metadata:
        answer = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
        answer.raise_for_status()
        _metadata[issuer] = answer.json()
    return _metadata[issuer]


def forget() -> None:
    """Drop cached discovery documents and secrets (tests start a new provider)."""
    _metadata.clear()
    _secrets.clear()


def client_secret(config: Provider) -> str:
    key = (config.secret_name, settings.current().endpoint_url)
    if key not in _secrets:
        with _lock:
            raw = aws.client("secretsmanager").get_secret_value(SecretId=config.secret_name)
            _secrets[key] = json.loads(raw["SecretString"])["client_secret"]
    return _secrets[key]


def _session(config: Provider) -> OAuth2Session:
    return OAuth2Session(
        config.client_id,
        client_secret(config),
        scope=SCOPES,
        redirect_uri=redirect_uri(),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )


def authorization_url(state: str, nonce: str, verifier: str) -> str:
    config = provider()
    endpoint = metadata(config.issuer)["authorization_endpoint"]
    url, _ = _session(config).create_authorization_url(
        endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    return url


def identity(code: str, nonce: str, verifier: str) -> Identity:
    """Exchange the code, verify the ID token, read the agent's identity."""
    config = provider()
    meta = metadata(config.issuer)
    session = _session(config)
    try:
        token = session.fetch_token(
            meta["token_endpoint"], code=code, code_verifier=verifier, timeout=TIMEOUT
        )
        keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
        claims = _id_token_claims(token, keys, meta, config, nonce)
        answer = session.get(meta["userinfo_endpoint"], timeout=TIMEOUT)
        answer.raise_for_status()
    except SignInError:
        raise
    except Exception as error:  # provider errors, bad signatures, bad claims: all refuse sign-in
        raise SignInError(type(error).__name__) from None
    info = _userinfo(answer, keys, meta)
    if info.get("sub") != claims.get("sub"):
        raise SignInError("userinfo sub mismatch")
    return Identity(
        email=str(info.get("email") or "").strip().lower(),
        given_name=str(info.get("given_name") or ""),
        usual_name=str(info.get("usual_name") or ""),
        siret=str(info.get("siret") or ""),
        subject=str(claims.get("sub") or ""),
        id_token=str(token["id_token"]),
    )


def end_session_url(id_token: str, state: str) -> str | None:
    """The provider's sign-out URL for this session, or None when there is none to call: the
    provider publishes no ``end_session_endpoint``, its discovery document cannot be read (our
    session is closed already; the sign-out must not fail for it), or the session holds no ID
    token (ProConnect requires ``id_token_hint``)."""
    if not id_token:
        return None
    try:
        endpoint = metadata(provider().issuer).get("end_session_endpoint")
    except (SignInError, requests.RequestException, ValueError) as error:
        log_failure("provider sign-out unavailable", error)
        return None
    if not endpoint:
        return None
    parameters = [
        ("id_token_hint", id_token),
        ("state", state),
        ("post_logout_redirect_uri", post_logout_redirect_uri()),
    ]
    return add_params_to_uri(endpoint, parameters)


def form_action_origins() -> list[str]:
    """Origins a console form may lead to besides ours: the sign-out form is answered by a
    redirect to the provider, and browsers hold redirects after a form to ``form-action``. The
    issuer's origin comes from configuration (no request per page); ProConnect's end-session
    endpoint is under it, and another provider's is added once its discovery document is read."""
    config = provider()
    known = (_metadata.get(config.issuer) or {}).get("end_session_endpoint")
    origins = [_origin(url) for url in (config.issuer, known) if url]
    return sorted({origin for origin in origins if origin})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _id_token_claims(
    token: dict, keys: KeySet, meta: dict, config: Provider, nonce: str
) -> dict[str, Any]:
    if "id_token" not in token:
        raise SignInError("no id_token")
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    decoded = jwt.decode(token["id_token"], keys, registry=JWSRegistry(algorithms=algorithms))
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"values": [meta.get("issuer") or config.issuer]}},
        {"nonce": nonce, "client_id": config.client_id, "access_token": token["access_token"]},
    )
    claims.validate(leeway=120)
    return dict(claims)


def _userinfo(answer: requests.Response, keys: KeySet, meta: dict) -> dict:
    kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "application/jwt":
        algorithms = meta.get("userinfo_signing_alg_values_supported") or ["RS256"]
        return dict(
            jwt.decode(answer.text, keys, registry=JWSRegistry(algorithms=algorithms)).claims
        )
    return dict(answer.json())

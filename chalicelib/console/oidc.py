"""ProConnect (OpenID Connect) sign-in, client side, through authlib.

Authorization code flow with PKCE (S256), ``state`` and ``nonce`` of 43 characters, the scopes
ProConnect documents. The provider is configuration: ``OIDC_ISSUER`` (ProConnect in production, the
local mock provider for ``make run`` and the tests), ``OIDC_CLIENT_ID``, and the client secret in
Secrets Manager (``OIDC_CLIENT_SECRET_NAME``, JSON ``{"client_secret": …}``).

ProConnect's tokens live 60 seconds: the access token is used at once for the one userinfo
request. The ID token and the userinfo JWT (``application/jwt``, what ProConnect returns; plain
JSON from the mock provider is accepted too) are checked in ``oidc_tokens``: signature with the
algorithm of our setting ``OIDC_SIGNING_ALG`` (RS256 by default, ES256), issuer, our client id as
audience, expiry, nonce, ``at_hash``, ``acr`` when ``OIDC_ACR_VALUES`` asks one, and the same
``sub`` in both. Each refusal is a ``SignInError`` naming its cause.

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
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from botocore.exceptions import ClientError
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from chalicelib import aws, settings
from chalicelib.console import oidc_tokens as tokens
from chalicelib.console.oidc_tokens import Cause, SignInError
from chalicelib.observability import log_failure

__all__ = ["Cause", "SignInError"]  # raised by sessions, read by the sign-in pages

SCOPES = "openid email given_name usual_name siret"
CALLBACK_PATH = "/console/connexion/retour"
SIGN_OUT_RETURN_PATH = "/console/deconnexion/retour"
TIMEOUT = 10
REQUIRED_METADATA = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
)
_metadata: dict[str, dict] = {}
_secrets: dict[tuple[str, str | None], str] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    secret_name: str
    algorithm: str = "RS256"  # the one registered with ProConnect for our client
    acr_values: tuple[str, ...] = ()


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
        algorithm=os.environ.get("OIDC_SIGNING_ALG", "").strip() or "RS256",
        acr_values=tuple(os.environ.get("OIDC_ACR_VALUES", "").split()),
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
        raise SignInError(Cause.MISCONFIGURED)
    if issuer not in _metadata:
        answer = _get(f"{issuer}/.well-known/openid-configuration")
        try:
            document = answer.json()
        except ValueError:
            raise SignInError(Cause.BAD_PROVIDER_METADATA) from None
        if not isinstance(document, dict) or not all(
            isinstance(document.get(key), str) for key in REQUIRED_METADATA
        ):
            raise SignInError(Cause.BAD_PROVIDER_METADATA)
        _metadata[issuer] = document
    return _metadata[issuer]


def forget() -> None:
    """Drop cached discovery documents and secrets (tests start a new provider)."""
    _metadata.clear()
    _secrets.clear()


def client_secret(config: Provider) -> str:
    """The client secret, read once per process. A missing or malformed secret is a
    configuration error: the agent gets the 503 page, the log says ``misconfigured``."""
    key = (config.secret_name, settings.current().endpoint_url)
    if key not in _secrets:
        with _lock:
            try:
                raw = aws.client("secretsmanager").get_secret_value(SecretId=config.secret_name)
                _secrets[key] = str(json.loads(raw["SecretString"])["client_secret"])
            except (ClientError, KeyError, TypeError, ValueError):
                raise SignInError(Cause.MISCONFIGURED) from None
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
    extra = {"acr_values": " ".join(config.acr_values)} if config.acr_values else {}
    url, _ = _session(config).create_authorization_url(
        endpoint, state=state, nonce=nonce, code_verifier=verifier, **extra
    )
    return url


def identity(code: str, nonce: str, verifier: str) -> Identity:
    """Exchange the code, verify the ID token, read and verify the agent's identity. Raises
    ``SignInError`` with the cause of the refusal."""
    config = provider()
    meta = metadata(config.issuer)
    if str(meta.get("issuer") or "").rstrip("/") != config.issuer:
        # a discovery document for another provider: OIDC_ISSUER or the provider is wrong
        raise SignInError(Cause.BAD_PROVIDER_METADATA)
    token = _token(config, meta, code, verifier)
    keys = _keys(meta)
    expected = tokens.Expected(
        issuer=str(meta["issuer"]),
        client_id=config.client_id,
        algorithm=config.algorithm,
        nonce=nonce,
        access_token=str(token["access_token"]),
        acr_values=config.acr_values,
    )
    claims = tokens.id_token_claims(str(token["id_token"]), keys, expected)
    # the access token is used at once, the only time: no "expiring soon" check before this
    # call (ProConnect's tokens live 60 s, authlib's session would refuse them as expiring)
    answer = _get(
        meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {expected.access_token}"}
    )
    kind = answer.headers.get("Content-Type", "")
    info = tokens.userinfo_claims(answer.text, kind, keys, expected, claims["sub"])
    return Identity(
        email=str(info.get("email") or "").strip().lower(),
        given_name=str(info.get("given_name") or ""),
        usual_name=str(info.get("usual_name") or ""),
        siret=str(info.get("siret") or ""),
        subject=str(claims["sub"]),
        id_token=str(token["id_token"]),
    )


def _token(config: Provider, meta: dict, code: str, verifier: str) -> dict:
    """The token endpoint's answer to our code (authlib: client_secret_post and PKCE)."""
    session = _session(config)
    session.register_compliance_hook("access_token_response", _provider_answered)
    try:
        token = session.fetch_token(
            meta["token_endpoint"], code=code, code_verifier=verifier, timeout=TIMEOUT
        )
    except requests.RequestException:
        raise SignInError(Cause.PROVIDER_UNREACHABLE) from None
    except (OAuthError, ValueError, KeyError):  # refused code (expired, replayed) or no JSON
        raise SignInError(Cause.PROVIDER_REFUSED) from None
    if not token.get("id_token") or not token.get("access_token"):
        raise SignInError(Cause.MISSING_ID_TOKEN)
    return dict(token)


def _provider_answered(response: requests.Response) -> requests.Response:
    """A provider that answers 5xx (or a gateway in front of it) is down, not refusing us."""
    if response.status_code >= 500:
        raise SignInError(Cause.PROVIDER_UNREACHABLE)
    return response


def _get(url: str, **options: Any) -> requests.Response:
    """GET from the provider: unreachable or 5xx is ``provider_unreachable``, 4xx a refusal."""
    try:
        answer = requests.get(url, timeout=TIMEOUT, **options)
    except requests.RequestException:
        raise SignInError(Cause.PROVIDER_UNREACHABLE) from None
    _provider_answered(answer)
    if answer.status_code >= 400:
        raise SignInError(Cause.PROVIDER_REFUSED)
    return answer


def _keys(meta: dict) -> KeySet:
    """The provider's public keys, read at each sign-in: a rotated key is known at once."""
    try:
        return KeySet.import_key_set(_get(meta["jwks_uri"]).json())
    except (ValueError, TypeError, KeyError, JoseError):
        raise SignInError(Cause.BAD_PROVIDER_METADATA) from None


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

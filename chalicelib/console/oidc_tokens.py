"""What the OpenID provider hands back, checked: the ID token, the userinfo answer, and the cause
of each refusal.

Pure: the provider's keys, what we expect and the time come in as arguments (``console/oidc.py``
does the I/O). ProConnect signs both tokens with the algorithm registered for our client; the one
we accept is our setting, never the list the discovery document advertises (ProConnect lists
HS256 too, and a forged token may say ``none``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    MissingAlgorithmError,
    MissingKeyError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.jwt import JWTClaimsRegistry

ALGORITHMS = ("RS256", "ES256")  # asymmetric only: the signing key never leaves the provider
LEEWAY = 60  # seconds of clock difference tolerated on exp/iat; ProConnect's tokens live 60 s


class Cause(StrEnum):
    """Why a sign-in was refused: the only thing the log line says about it (no data)."""

    MISCONFIGURED = "misconfigured"
    PROVIDER_UNREACHABLE = "provider_unreachable"
    PROVIDER_REFUSED = "provider_refused"
    BAD_PROVIDER_METADATA = "bad_provider_metadata"
    STATE_MISMATCH = "state_mismatch"
    UNKNOWN_STATE = "unknown_state"
    MISSING_ID_TOKEN = "missing_id_token"
    UNEXPECTED_ALGORITHM = "unexpected_algorithm"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED_TOKEN = "malformed_token"
    TOKEN_EXPIRED = "token_expired"
    ISSUER_MISMATCH = "issuer_mismatch"
    AUDIENCE_MISMATCH = "audience_mismatch"
    NONCE_MISMATCH = "nonce_mismatch"
    AT_HASH_MISMATCH = "at_hash_mismatch"
    ACR_MISMATCH = "acr_mismatch"
    SUBJECT_MISMATCH = "subject_mismatch"
    INVALID_CLAIMS = "invalid_claims"
    BAD_USERINFO = "bad_userinfo"


# the provider (or our configuration of it) is at fault, not the agent's answer: 503
UNAVAILABLE = frozenset(
    {Cause.MISCONFIGURED, Cause.PROVIDER_UNREACHABLE, Cause.BAD_PROVIDER_METADATA}
)
_CLAIM_CAUSES = {
    "iss": Cause.ISSUER_MISMATCH,
    "aud": Cause.AUDIENCE_MISMATCH,
    "azp": Cause.AUDIENCE_MISMATCH,
    "nonce": Cause.NONCE_MISMATCH,
    "at_hash": Cause.AT_HASH_MISMATCH,
    "acr": Cause.ACR_MISMATCH,
    "sub": Cause.SUBJECT_MISMATCH,
    "exp": Cause.TOKEN_EXPIRED,
}


class SignInError(Exception):
    """The provider's answer cannot be trusted or used: the agent is asked to sign in again
    (400), or to come back later when the provider cannot be reached (503)."""

    def __init__(self, cause: Cause) -> None:
        super().__init__(cause.value)
        self.cause = cause

    @property
    def status(self) -> int:
        return 503 if self.cause in UNAVAILABLE else 400


@dataclass(frozen=True)
class Expected:
    """What the tokens of one sign-in must say."""

    issuer: str
    client_id: str
    algorithm: str
    nonce: str
    access_token: str
    acr_values: tuple[str, ...] = ()


def cause_of(error: JoseError) -> Cause:
    if isinstance(error, ExpiredTokenError):
        return Cause.TOKEN_EXPIRED
    if isinstance(error, ClaimError):
        return _CLAIM_CAUSES.get(error.claim, Cause.INVALID_CLAIMS)
    if isinstance(error, (UnsupportedAlgorithmError, MissingAlgorithmError)):
        return Cause.UNEXPECTED_ALGORITHM
    if isinstance(error, (MissingKeyError, InvalidKeyIdError)):
        return Cause.UNKNOWN_KEY
    if isinstance(error, BadSignatureError):
        return Cause.BAD_SIGNATURE
    return Cause.MALFORMED_TOKEN


def verified(token: str, keys: KeySet, algorithm: str) -> jwt.Token:
    """The token, once its signature by one of the provider's keys, with ``algorithm``, holds."""
    if algorithm not in ALGORITHMS:
        raise SignInError(Cause.MISCONFIGURED)
    try:
        return jwt.decode(token, keys, registry=JWSRegistry(algorithms=[algorithm]))
    except JoseError as error:
        raise SignInError(cause_of(error)) from None
    except ValueError:  # not even a JWT: joserfc's parsers let some garbage through as such
        raise SignInError(Cause.MALFORMED_TOKEN) from None


def id_token_claims(id_token: str, keys: KeySet, expected: Expected) -> dict[str, Any]:
    """The ID token's claims: signature, issuer, our client id among the audiences (and as
    ``azp`` when there are several), expiry, nonce, ``at_hash``, and ``acr`` when we ask one."""
    decoded = verified(id_token, keys, expected.algorithm)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": expected.issuer},
        "aud": {"essential": True, "values": [expected.client_id]},
    }
    if expected.acr_values:
        options["acr"] = {"essential": True, "values": list(expected.acr_values)}
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options,
        {
            "nonce": expected.nonce,
            "client_id": expected.client_id,
            "access_token": expected.access_token,
        },
    )
    try:
        claims.validate(leeway=LEEWAY)
    except JoseError as error:
        raise SignInError(cause_of(error)) from None
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInError(Cause.SUBJECT_MISMATCH)
    return dict(claims)


def userinfo_claims(
    body: str, content_type: str, keys: KeySet, expected: Expected, subject: str
) -> dict[str, Any]:
    """The agent's claims from the userinfo answer: a signed JWT (``application/jwt``, what
    ProConnect returns), checked like the ID token (signature, issuer, audience) and about the
    same agent (``sub``); or plain JSON (the local mock provider), about the same agent."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/jwt":
        claims = dict(verified(body.strip(), keys, expected.algorithm).claims)
        registry = JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": expected.issuer},
            aud={"essential": True, "values": [expected.client_id]},
            sub={"essential": True, "value": subject},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise SignInError(cause_of(error)) from None
        return claims
    if kind != "application/json":
        raise SignInError(Cause.BAD_USERINFO)
    try:
        claims = json.loads(body)
    except ValueError:
        raise SignInError(Cause.BAD_USERINFO) from None
    if not isinstance(claims, dict):
        raise SignInError(Cause.BAD_USERINFO)
    if claims.get("sub") != subject:
        raise SignInError(Cause.SUBJECT_MISMATCH)
    return claims

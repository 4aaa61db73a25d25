"""The checks of the provider's ID token and userinfo, without I/O: keys and tokens made here."""

from __future__ import annotations

import json
import time

import pytest
from authlib.oidc.core.util import create_half_hash
from joserfc.jwk import KeySet

from chalicelib.console import oidc_tokens as tokens
from chalicelib.console.oidc_tokens import Cause, SignInError
from tests.support.proconnect_keys import Keys

ISSUER = "https://proconnect.example.gouv.fr/api/v2"
KEYS = Keys()
PUBLISHED = KeySet.import_key_set(KEYS.public())
ACCESS_TOKEN = "a" * 43


def expected(algorithm: str = "RS256", acr: tuple[str, ...] = ()) -> tokens.Expected:
    return tokens.Expected(ISSUER, "relais-ase", algorithm, "n" * 43, ACCESS_TOKEN, acr)


def id_token(algorithm: str = "RS256", tampering: str = "", **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "agent-sub",
        "aud": "relais-ase",
        "iat": now,
        "exp": now + 60,
        "nonce": "n" * 43,
        "acr": "eidas1",
        "at_hash": create_half_hash(ACCESS_TOKEN, algorithm).decode(),
        **changes,
    }
    return KEYS.sign({k: v for k, v in claims.items() if v is not None}, algorithm, tampering)


def refusal(check, *arguments) -> Cause:
    """The cause ``check(*arguments)`` is refused for."""
    with pytest.raises(SignInError) as refused:
        check(*arguments)
    return refused.value.cause


def id_token_refusal(token: str, what: tokens.Expected | None = None) -> Cause:
    return refusal(tokens.id_token_claims, token, PUBLISHED, what or expected())


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_an_id_token_of_the_registered_algorithm_for_us_is_accepted(algorithm):
    claims = tokens.id_token_claims(id_token(algorithm), PUBLISHED, expected(algorithm))
    assert claims["sub"] == "agent-sub"


def test_an_id_token_for_another_client_naming_us_as_authorized_party_is_refused():
    forged = id_token(aud="autre-fs", azp="relais-ase")
    assert id_token_refusal(forged) is Cause.AUDIENCE_MISMATCH


def test_an_id_token_for_several_audiences_needs_us_as_authorized_party():
    ours = id_token(aud=["relais-ase", "autre-fs"], azp="relais-ase")
    assert tokens.id_token_claims(ours, PUBLISHED, expected())["azp"] == "relais-ase"
    for azp in ("autre-fs", None):
        token = id_token(aud=["relais-ase", "autre-fs"], azp=azp)
        assert id_token_refusal(token) is Cause.AUDIENCE_MISMATCH


@pytest.mark.parametrize("tampering", ["none", "hs256_public_key"])
def test_an_unsigned_or_hmac_with_the_public_key_id_token_is_refused(tampering):
    forged = id_token(tampering=tampering)
    assert id_token_refusal(forged) is Cause.UNEXPECTED_ALGORITHM


def test_a_token_signed_with_an_algorithm_the_discovery_lists_but_we_did_not_register_is_refused():
    es256 = id_token("ES256")
    assert id_token_refusal(es256, expected("RS256")) is Cause.UNEXPECTED_ALGORITHM


@pytest.mark.parametrize("setting", ["HS256", "none", ""])
def test_a_setting_other_than_rs256_or_es256_is_a_configuration_error(setting):
    refused = refusal(tokens.id_token_claims, id_token(), PUBLISHED, expected(setting))
    assert refused is Cause.MISCONFIGURED and SignInError(refused).status == 503


def test_an_expired_id_token_is_refused_as_expired():
    stale = id_token(exp=int(time.time()) - 120)
    assert id_token_refusal(stale) is Cause.TOKEN_EXPIRED


def test_the_acr_asked_must_be_the_one_the_id_token_carries():
    token = id_token(acr="eidas0")
    assert id_token_refusal(token, expected(acr=("eidas1",))) is Cause.ACR_MISMATCH


def userinfo(tampering: str = "", **changes) -> str:
    claims = {"iss": ISSUER, "aud": "relais-ase", "sub": "agent-sub", "email": "a@b.fr", **changes}
    return KEYS.sign(claims, "RS256", tampering)


def test_a_signed_userinfo_about_the_same_agent_is_read():
    claims = tokens.userinfo_claims(
        userinfo(), "application/jwt; charset=utf-8", PUBLISHED, expected(), "agent-sub"
    )
    assert claims["email"] == "a@b.fr"


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (userinfo(sub="other"), Cause.SUBJECT_MISMATCH),
        (userinfo(aud="autre-fs"), Cause.AUDIENCE_MISMATCH),
        (userinfo(iss="https://ailleurs.example.fr"), Cause.ISSUER_MISMATCH),
        (userinfo(tampering="none"), Cause.UNEXPECTED_ALGORITHM),
        (userinfo(tampering="foreign_key"), Cause.BAD_SIGNATURE),
        ("pas un jeton", Cause.MALFORMED_TOKEN),
    ],
)
def test_a_userinfo_jwt_that_does_not_hold_is_refused(body, cause):
    read = tokens.userinfo_claims
    assert refusal(read, body, "application/jwt", PUBLISHED, expected(), "agent-sub") is cause


def test_a_json_userinfo_is_accepted_about_the_same_agent_only():
    body = json.dumps({"sub": "agent-sub", "email": "a@b.fr"})
    info = tokens.userinfo_claims(body, "application/json", PUBLISHED, expected(), "agent-sub")
    assert info["email"] == "a@b.fr"
    for text, kind in (("[1]", "application/json"), (body, "text/html"), ("{", "application/json")):
        read = tokens.userinfo_claims
        assert refusal(read, text, kind, PUBLISHED, expected(), "agent-sub") is Cause.BAD_USERINFO
    other = refusal(
        tokens.userinfo_claims, body, "application/json", PUBLISHED, expected(), "someone-else"
    )
    assert other is Cause.SUBJECT_MISMATCH


def test_an_id_token_signed_by_a_key_the_provider_does_not_publish_is_refused():
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "s", "aud": "relais-ase", "iat": now, "exp": now + 60}
    unpublished = Keys().sign(claims, "RS256")  # another key id than the published ones
    assert id_token_refusal(unpublished) is Cause.UNKNOWN_KEY

"""Acknowledgement tokens (per referral) and partners' space tokens (per structure): ≥ 256 bits,
derived, stored only as a hash.

``token = base64url(HMAC-SHA256(key, "ack:" + referral_id))``. The key lives in Secrets Manager;
the referral stores ``sha256(token)`` only. Derivation lets a reminder carry the same link without
the token ever being stored. A token carries no personal data (a referral id is opaque).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading

from chalicelib import aws, settings

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_cache: dict[tuple[str, str | None], bytes] = {}
_lock = threading.Lock()


def _key() -> bytes:
    current = settings.current()
    cache_key = (current.secret_name, current.endpoint_url)
    if cache_key not in _cache:
        with _lock:
            if cache_key not in _cache:
                secret = aws.client("secretsmanager").get_secret_value(SecretId=current.secret_name)
                value = json.loads(secret["SecretString"])["ack_token_key"]
                _cache[cache_key] = base64.b64decode(value)
    return _cache[cache_key]


def derived_key(purpose: str, size: int = 32) -> bytes:
    """A key for another purpose (``purpose`` names it), derived from the same secret, so that
    no second secret has to be provisioned and rotated."""
    blocks = (
        hmac.new(_key(), f"{purpose}#{counter}".encode(), hashlib.sha256).digest()
        for counter in range((size + 31) // 32)
    )
    return b"".join(blocks)[:size]


def forget_key() -> None:
    """Drop the cached key (after the embedded endpoint was reset)."""
    _cache.clear()


def token_for(referral_id: str) -> str:
    digest = hmac.new(_key(), f"ack:{referral_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def is_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token or ""))


def ack_url(referral_id: str) -> str:
    return f"{settings.current().public_base_url}/ack/{token_for(referral_id)}"


def space_token(partner_key: str, nonce: str) -> str:
    """A structure's space token (SPEC §4c): per structure and per ``nonce`` (128 random bits,
    drawn anew after a revocation), derived like the acknowledgement tokens, so that every
    referral email carries it while only its hash is stored."""
    digest = hmac.new(_key(), f"space:{partner_key}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def space_url(token: str) -> str:
    return f"{settings.current().public_base_url}/partenaires/{token}"

"""The strict provider's signing keys (test code, ``tests/support/proconnect.py``): one RSA and
one P-256 key published side by side as ProConnect does, rotated on demand, and the forged
signatures an attacker would try."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

UNSIGNED_HEADER = b'{"alg":"none","typ":"JWT"}'


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Keys:
    """The provider's signing keys: one RSA, one P-256; ``rotate`` replaces both."""

    def __init__(self) -> None:
        self.rotate()

    def rotate(self) -> None:
        self.rsa = RSAKey.generate_key(2048, {"kid": b64(secrets.token_bytes(8)), "use": "sig"})
        self.ec = ECKey.generate_key("P-256", {"kid": b64(secrets.token_bytes(8)), "use": "sig"})

    def for_algorithm(self, algorithm: str) -> RSAKey | ECKey:
        return self.ec if algorithm == "ES256" else self.rsa

    def public(self) -> dict[str, Any]:
        published = [key.as_dict(private=False, alg=alg) for key, alg in self._pairs()]
        return {"keys": published}

    def _pairs(self) -> list[tuple[RSAKey | ECKey, str]]:
        return [(self.ec, "ES256"), (self.rsa, "RS256")]

    def sign(self, claims: dict[str, Any], algorithm: str, tampering: str = "") -> str:
        key = self.for_algorithm(algorithm)
        header = {"alg": algorithm, "kid": key.kid, "typ": "JWT"}
        payload = b64(json.dumps(claims).encode())
        if tampering == "none":
            return f"{b64(UNSIGNED_HEADER)}.{payload}."
        if tampering == "hs256_public_key":
            # by hand: joserfc rightly refuses to make an HMAC key of a public key
            signing_input = f"{b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{payload}"
            pem = self.rsa.as_pem(private=False)
            mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{b64(mac)}"
        if tampering == "foreign_key":
            other = ECKey.generate_key("P-256") if algorithm == "ES256" else RSAKey.generate_key()
            return jwt.encode(header, claims, other, algorithms=[algorithm])
        return jwt.encode(header, claims, key, algorithms=[algorithm])

    def verify(self, token: str) -> dict[str, Any]:
        keys = KeySet([self.ec, self.rsa])
        return dict(jwt.decode(token, keys, algorithms=["ES256", "RS256"]).claims)

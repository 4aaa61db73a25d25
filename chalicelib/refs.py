"""Opaque youth references, wherever a youth must be named outside the tables: console URLs and
the scan's work-item cursors on SQS (a dead-letter queue keeps them, out of an erasure's reach) —
never the file number (SPEC §8).

A reference is the AES-SIV encryption of the ``id_externe`` with the department as associated
data: deterministic (the same youth keeps the same URL), unreadable without the key, and a
reference made for one department does not open in another.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from chalicelib import tokens
from chalicelib.errors import NotFoundError

MAX_REF_CHARS = 400


def _cipher() -> AESSIV:
    return AESSIV(tokens.derived_key("console-youth-ref", 64))


def youth_ref(department: str, id_externe: str) -> str:
    return seal(department, id_externe)


def youth_id(department: str, ref: str) -> str:
    """The ``id_externe`` behind ``ref``; a malformed, tampered or foreign reference is a 404."""
    found = unseal(department, ref)
    if found is None:
        raise NotFoundError("Jeune inconnu dans ce département.")
    return found


def seal(department: str, text: str) -> str:
    """``text`` (a file number, a list cursor) made opaque for a URL of this department."""
    sealed = _cipher().encrypt(text.encode("utf-8"), [department.encode("ascii")])
    return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def unseal(department: str, ref: str) -> str | None:
    """What ``seal`` sealed; None for a malformed, tampered or foreign reference."""
    text = (ref or "").strip()
    try:
        if not text or len(text) > MAX_REF_CHARS:
            raise ValueError("length")
        sealed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        return _cipher().decrypt(sealed, [department.encode("ascii")]).decode("utf-8")
    except (ValueError, binascii.Error, InvalidTag, UnicodeDecodeError):
        return None

"""Deterministic, opaque identifiers: the same inputs always give the same id (exactly once)."""

from __future__ import annotations

import hashlib


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


def api_key_hash(key: str) -> str:
    """What the keys table stores of an API key (never the key), and its usage-plan key's value:
    a pure function, so that the usage-key authorizer loads nothing else (api.usage_key)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def referral_id(
    department: str, id_externe: str, kind: str, partner_id: str, *, generation: int = 0
) -> str:
    """One referral per (youth, kind, partner) — per ``generation``: a youth who left and came
    back is referred anew (SPEC §6), under new ids."""
    parts: tuple[object, ...] = (department, id_externe, kind, partner_id)
    if generation:
        parts = (*parts, f"g{generation}")
    return "ref_" + _digest("referral", *parts)


def message_id(*parts: object) -> str:
    return "msg_" + _digest("message", *parts)


def youth_key(department: str, id_externe: str) -> str:
    return f"{department}#{id_externe}"


def partner_key(partner_type: str, partner_id: str) -> str:
    """A structure of the directory (its partners' space): ``mission_locale#ML59A``."""
    return f"{partner_type}#{partner_id}"

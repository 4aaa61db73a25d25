"""The partners' space link a referral email carries (SPEC §4c): sending the email renews it.

One UpdateItem per referral email (``store.partners.renew``): the send of a referral stays within
its three DynamoDB requests (claim, this, the send's transaction).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib import tokens
from chalicelib.domain import ids
from chalicelib.store import partners as partner_store

# the referral emails (not the SMS: two segments leave no room for a second link)
SPACE_TEMPLATES = frozenset({"referral_mission_locale", "referral_habitat_jeunes"})
DEPARTMENT_FIELDS = ("code", "name", "contact_email", "contact_phone")


def renewed_url(snapshot: dict[str, Any], now: datetime) -> str:
    """The link to the space of the referral's partner, valid 90 days from ``now``."""
    partner, department = snapshot["partner"], snapshot["department"]
    key = ids.partner_key(partner["type"], partner["id"])
    candidate = secrets.token_urlsafe(16)  # 128 random bits, kept only if the space is new
    nonce = partner_store.renew(
        key,
        nonce=candidate,
        token_hash=tokens.hash_token(tokens.space_token(key, candidate)),
        name=str(partner.get("nom") or ""),
        department={field: department.get(field) for field in DEPARTMENT_FIELDS},
        now=now,
    )
    return tokens.space_url(tokens.space_token(key, nonce))

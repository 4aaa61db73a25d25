"""The partners' space (SPEC §4c): each structure's token and the structure's referrals.

    (none) ──renew (a referral email)──► valid until renewed_at + 90 days ──renew──► …
    any ──revoke (operator)──► (none): the next referral email brings a new token

A structure is a directory entry: ``partner_key`` = ``{partner_type}#{partner_id}``. Its referrals
are read through the referrals' ``partner-index`` (keys only, newest first), then by BatchGetItem.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, cast

from chalicelib.domain.clock import iso
from chalicelib.domain.stored import StoredPartnerSpace, StoredReferral
from chalicelib.store.base import live
from chalicelib.store.models import PartnerSpace, Referral
from chalicelib.store.writes import applied

VALID_DAYS = 90  # after the last referral email (SPEC §4c)
KEPT_AFTER = timedelta(days=365)  # the expired link still answers 410 (whom to ask) this long
BATCH_GET = 100  # BatchGetItem's limit


def renew(
    partner_key: str,
    *,
    nonce: str,
    token_hash: str,
    name: str,
    department: dict[str, Any],
    now: datetime,
) -> str:
    """A referral email goes to the structure: its space stays valid ``VALID_DAYS`` from now.
    One UpdateItem: a structure without a space gets ``nonce`` and ``token_hash`` (its new
    token); one with a space keeps its own. Returns the structure's nonce."""
    valid_until = now + timedelta(days=VALID_DAYS)
    space = PartnerSpace(partner_key)
    space.update(
        actions=[
            PartnerSpace.nonce.set(PartnerSpace.nonce | nonce),
            PartnerSpace.token_hash.set(PartnerSpace.token_hash | token_hash),
            PartnerSpace.name.set(name),
            PartnerSpace.renewed_at.set(iso(now)),
            PartnerSpace.valid_until.set(iso(valid_until)),
            PartnerSpace.department.set(department),
            PartnerSpace.expires_at.set(valid_until + KEPT_AFTER),
        ]
    )
    return str(space.nonce)


def by_token(token_hash: str, now: datetime) -> StoredPartnerSpace | None:
    """The space behind a token (one read of ``token-index``), expired or not, if still kept."""
    found = next(iter(PartnerSpace.token_index.query(token_hash, limit=1)), None)
    return cast(StoredPartnerSpace, found) if found is not None and live(found, now) else None


def get(partner_key: str) -> StoredPartnerSpace | None:
    try:
        return cast(StoredPartnerSpace, PartnerSpace.get(partner_key, consistent_read=True))
    except PartnerSpace.DoesNotExist:
        return None


def revoke(partner_key: str) -> bool:
    """The operator revokes the structure's link at once; False when it had none."""
    return applied(
        lambda: PartnerSpace(partner_key).delete(condition=PartnerSpace.partner_key.exists())
    )


def referrals_page(
    partner_id: str, *, size: int, cursor: dict[str, Any] | None
) -> tuple[list[StoredReferral], dict[str, Any] | None]:
    """Up to ``size`` referrals of ``partner_id`` (every type, every status, newest first) and the
    key of the next page: one Query of the keys-only index and one BatchGetItem."""
    keys = Referral.partner_index.query(
        partner_id, scan_index_forward=False, limit=size, last_evaluated_key=cursor
    )
    ids = [key.referral_id for key in keys]
    found = cast(list[StoredReferral], list(Referral.batch_get(ids)) if ids else [])
    found.sort(key=lambda referral: (referral.created_at, referral.referral_id), reverse=True)
    return found, keys.last_evaluated_key


def all_referrals(partner_id: str) -> Iterator[StoredReferral]:
    """Every referral of ``partner_id`` (the CSV export), read page after page."""
    cursor: dict[str, Any] | None = None
    while True:
        found, cursor = referrals_page(partner_id, size=BATCH_GET, cursor=cursor)
        yield from found
        if cursor is None:
            return

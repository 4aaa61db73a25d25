"""The partners' space (SPEC §4c): one link per structure, its referrals of every department.

GET (the list) changes nothing: one Query of the spaces' ``token-index``, one Query of the
referrals' keys-only ``partner-index`` and one BatchGetItem per page. An answer from the list
goes through the referral page's own workflow (``ack.service.respond``: same validation, same
transition, same history, same confirmation), after checking that the referral is the
structure's. Unknown, malformed or tampered tokens get the acknowledgement pages' 404; an expired
one a 410 naming the department of the last referral email.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import tokens
from chalicelib.ack import service as ack
from chalicelib.ack.service import Page
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.stored import StoredPartnerSpace, StoredReferral
from chalicelib.errors import BadRequestError
from chalicelib.messages.render import render_page
from chalicelib.observability import logger
from chalicelib.partners import views
from chalicelib.reporting import params
from chalicelib.reporting.export import safe_csv
from chalicelib.store import partners as partner_store
from chalicelib.store import referrals as referral_store
from chalicelib.store.base import plain

PAGE_SIZE = 20
INDEX_KEY = ("referral_id", "partner_id", "created_at")
REFERRAL_ID = re.compile(r"^ref_[0-9a-f]{32}$")
BAD_PAGE = "Ce lien de page n'est pas valide : revenez à la liste de vos orientations."


@dataclass(frozen=True)
class Export:
    csv: str
    filename: str


def base_path(token: str) -> str:
    return f"/partenaires/{token}"


def view(token: str, cursor: str | None, now: datetime) -> Page:
    """The structure's referrals, newest first, a page at a time (``cursor``: the next page)."""
    space = _open(token, now)
    if isinstance(space, Page):
        return space
    _, partner_id = _partner(space)
    try:
        start = params.decode_cursor(cursor, names=INDEX_KEY, fixed={"partner_id": partner_id})
    except BadRequestError:
        return ack.error_page(400, BAD_PAGE)
    referrals, next_key = partner_store.referrals_page(partner_id, size=PAGE_SIZE, cursor=start)
    entries = list(_entries(space, token, referrals, now))
    next_cursor = params.encode_cursor(next_key)
    context = _space_context(space, token) | {
        "groups": views.groups(entries),
        "shown": len(entries),
        "next_url": f"{base_path(token)}?page={next_cursor}" if next_cursor else None,
        "first_url": base_path(token) if start else None,
    }
    return Page(200, render_page("partner", context))


def referral_page(token: str, referral_id: str, now: datetime) -> Page:
    """One referral of the space on its own page (the referral page, posting to the space)."""
    found = _referral_of(token, referral_id, now)
    if isinstance(found, Page):
        return found
    return Page(200, render_page("ack", _referral_context(token, found, now)))


def answer(
    token: str, referral_id: str, form: dict[str, str], now: datetime, *, same_origin: bool
) -> Page:
    """An answer from the list: the referral page's rules, checked against the structure."""
    if not same_origin:
        return ack.error_page(403, ack.FOREIGN_ORIGIN)
    found = _referral_of(token, referral_id, now)
    if isinstance(found, Page):
        return found
    logger.info("answer from the partners' space", extra={"referral_id": found.referral_id})
    return ack.respond(found, form, now, _referral_context(token, found, now))


def export(token: str, now: datetime) -> Export | Page:
    """Every referral the space lists, as spreadsheet-safe CSV."""
    space = _open(token, now)
    if isinstance(space, Page):
        return space
    _, partner_id = _partner(space)
    found = partner_store.all_referrals(partner_id)
    rows = (views.csv_row(item) for item in _entries(space, token, found, now))
    return Export(safe_csv(rows, views.CSV_COLUMNS), f"orientations-{now.date().isoformat()}.csv")


def _entries(
    space: StoredPartnerSpace, token: str, referrals: Iterable[StoredReferral], now: datetime
) -> Iterator[dict[str, Any]]:
    """The referrals the space shows, each as an entry of the list (read as they come)."""
    partner_type, _ = _partner(space)
    for number, referral in enumerate(referrals, 1):
        if views.shown(referral, partner_type, now):
            yield views.entry(referral, _paths(token, referral.referral_id), now, number)


def _paths(token: str, referral_id: str) -> tuple[str, str]:
    path = f"{base_path(token)}/orientations/{referral_id}"
    return path, path


def _space_context(space: StoredPartnerSpace, token: str) -> dict[str, Any]:
    return {
        "partner_name": space.name or "votre structure",
        "valid_until": space.valid_until[:10],
        "csv_url": f"{base_path(token)}/orientations.csv",
        "space_url": base_path(token),
    }


def _referral_context(token: str, referral: StoredReferral, now: datetime) -> dict[str, Any]:
    path, action = _paths(token, referral.referral_id)
    context = ack.referral_context(referral, now, link=path, form_action=action)
    return context | {"back_url": base_path(token)}


def _partner(space: StoredPartnerSpace) -> tuple[str, str]:
    partner_type, _, partner_id = space.partner_key.partition("#")
    return partner_type, partner_id


def _open(token: str, now: datetime) -> StoredPartnerSpace | Page:
    """The space behind a token, or the page that says why there is none."""
    if not tokens.is_well_formed(token):
        return ack.not_found()
    space = partner_store.by_token(tokens.hash_token(token), now)
    if space is None:
        return ack.not_found()
    if parse_iso(space.valid_until) <= now:
        context = {"department": plain(space.department) or None, "valid_until": space.valid_until}
        return Page(410, render_page("partner_expired", context))
    return space


def _referral_of(token: str, referral_id: str, now: datetime) -> StoredReferral | Page:
    """The structure's referral ``referral_id``, answerable; else the page that says why."""
    space = _open(token, now)
    if isinstance(space, Page):
        return space
    if not REFERRAL_ID.match(referral_id or ""):
        return ack.not_found()
    partner_type, partner_id = _partner(space)
    referral = referral_store.get(referral_id, now, consistent=True)
    if referral is None or referral.partner_id != partner_id:
        return ack.not_found()
    if not views.shown(referral, partner_type, now):
        return ack.not_found()
    if ack.link_expired(referral, now):
        return ack.expired_page(referral)
    return referral

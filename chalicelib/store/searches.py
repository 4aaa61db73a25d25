"""Saved youths searches of the console (SPEC §4b v3): the criteria of a search (a name, a file
number) stay in the table, the URL carries only a random id, so the list survives the browser's
Back button and can be bookmarked without personal data in the address.

An item of the console table: ``search#<random id>`` / ``<department>`` (a search opens only in
its department), gone after ``SEARCH_DAYS``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from chalicelib.store.base import is_expired, plain
from chalicelib.store.models import ConsoleItem

SEARCH_DAYS = 30


def save(department: str, criteria: dict[str, str], now: datetime) -> str:
    """Store ``criteria``; the id to put in the URL."""
    search_id = secrets.token_urlsafe(12)
    ConsoleItem(
        f"search#{search_id}",
        department,
        department=department,
        criteria=criteria,
        expires_at=now + timedelta(days=SEARCH_DAYS),
    ).save(condition=ConsoleItem.pk.does_not_exist())
    return search_id


def load(department: str, search_id: str, now: datetime) -> dict[str, Any] | None:
    """The criteria saved under ``search_id`` for this department (None: unknown or expired)."""
    if not search_id or len(search_id) > 40:
        return None
    try:
        item = ConsoleItem.get(f"search#{search_id}", department)
    except ConsoleItem.DoesNotExist:
        return None
    if is_expired(item.expires_at, now):
        return None
    return dict(plain(item.criteria) or {})

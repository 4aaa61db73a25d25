"""A department's youths: the paged list and one youth's file (SPEC §4).

The list Queries the department's partition of the youths table, or its ``majority-index`` when a
majority date bound is given; the detail is one GetItem and one ``youth-index`` Query. Expired
items (TTL passed, not yet deleted by DynamoDB) are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from chalicelib.domain.stored import StoredYouth
from chalicelib.domain.youth import MAX_ID
from chalicelib.errors import NotFoundError
from chalicelib.reporting import params, views
from chalicelib.store import youths as youth_store

TABLE_KEY = ("department", "id_externe")
MAJORITY_KEY = ("department", "id_externe", "majority_date")


def list_youths(code: str, query: Mapping[str, str], now: datetime) -> dict[str, Any]:
    size = params.limit(query.get("limit"))
    status = params.choice("status", query.get("status"), params.YOUTH_STATUSES)
    start, end = params.day_range(query.get("majority_from"), query.get("majority_to"))
    by_majority = start is not None or end is not None
    cursor = params.decode_cursor(
        query.get("cursor"),
        names=MAJORITY_KEY if by_majority else TABLE_KEY,
        fixed={"department": code},
    )
    if cursor is not None and by_majority:
        _check_in_range(cursor["majority_date"]["S"], start, end)
    items, next_key = youth_store.page(
        code, status=status, majority=(start, end), cursor=cursor, size=size, now=now
    )
    return {
        "items": [views.youth_summary(youth) for youth in items],
        "count": len(items),
        "cursor": params.encode_cursor(next_key),
    }


def _check_in_range(value: str, start: date | None, end: date | None) -> None:
    """A cursor from another filter would make DynamoDB refuse the query: refuse it first."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise params.InvalidParameterError("cursor invalide pour ces filtres.") from None
    if (start and day < start) or (end and day > end):
        raise params.InvalidParameterError("cursor invalide pour ces filtres.")


def get_live(code: str, id_externe: str, now: datetime) -> StoredYouth:
    """The youth, or 404 (unknown, malformed id, or expired)."""
    if not id_externe or len(id_externe) > MAX_ID:
        raise NotFoundError("Jeune inconnu dans ce département.")
    youth = youth_store.get(code, id_externe, now)
    if youth is None:
        raise NotFoundError("Jeune inconnu dans ce département.")
    return youth

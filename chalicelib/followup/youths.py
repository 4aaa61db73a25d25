"""A department's youths: the paged list and one youth's file (SPEC §4).

The list Queries the department's partition of the youths table, or its ``majority-index`` when a
majority date bound is given; the detail is one GetItem and one ``youth-index`` Query. Expired
items (TTL passed, not yet deleted by DynamoDB) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

from chalicelib.domain import ids
from chalicelib.domain.youth import MAX_ID
from chalicelib.errors import NotFoundError
from chalicelib.followup import params, views
from chalicelib.store.base import is_expired
from chalicelib.store.models import Referral, Youth

TABLE_KEY = ("department", "id_externe")
MAJORITY_KEY = ("department", "id_externe", "majority_date")


def list_youths(code: str, query: Mapping[str, str], now: datetime) -> dict:
    size = params.limit(query.get("limit"))
    status = params.choice("status", query.get("status"), params.YOUTH_STATUSES)
    start, end = params.day_range(query.get("majority_from"), query.get("majority_to"))
    condition = (Youth.status == status) if status else None
    if start is None and end is None:
        cursor = params.decode_cursor(
            query.get("cursor"), names=TABLE_KEY, fixed={"department": code}
        )
        results = Youth.query(
            code, filter_condition=condition, last_evaluated_key=cursor, page_size=size
        )
    else:
        cursor = params.decode_cursor(
            query.get("cursor"), names=MAJORITY_KEY, fixed={"department": code}
        )
        if cursor is not None:
            _check_in_range(cursor["majority_date"]["S"], start, end)
        results = Youth.majority_index.query(
            code,
            _majority_condition(start, end),
            filter_condition=condition,
            last_evaluated_key=cursor,
            page_size=size,
        )
    items, next_key = take(results, size, now)
    return {
        "items": [views.youth_summary(youth) for youth in items],
        "count": len(items),
        "cursor": params.encode_cursor(next_key),
    }


def take(results: Iterator, size: int, now: datetime) -> tuple[list, dict | None]:
    """Up to ``size`` live items and the key to resume after the last one read (None: done)."""
    found: list = []
    for item in results:
        if is_expired(item.expires_at, now):
            continue
        found.append(item)
        if len(found) == size:
            return found, results.last_evaluated_key  # type: ignore[attr-defined]
    return found, None


def _majority_condition(start: date | None, end: date | None):
    if start and end:
        return Youth.majority_date.between(start.isoformat(), end.isoformat())
    if start:
        return Youth.majority_date >= start.isoformat()
    return Youth.majority_date <= end.isoformat()  # type: ignore[union-attr]


def _check_in_range(value: str, start: date | None, end: date | None) -> None:
    """A cursor from another filter would make DynamoDB refuse the query: refuse it first."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise params.InvalidParameterError("cursor invalide pour ces filtres.") from None
    if (start and day < start) or (end and day > end):
        raise params.InvalidParameterError("cursor invalide pour ces filtres.")


def get_live(code: str, id_externe: str, now: datetime) -> Youth:
    """The youth, or 404 (unknown, malformed id, or expired)."""
    if not id_externe or len(id_externe) > MAX_ID:
        raise NotFoundError("Jeune inconnu dans ce département.")
    try:
        youth = Youth.get(code, id_externe)
    except Youth.DoesNotExist:
        raise NotFoundError("Jeune inconnu dans ce département.") from None
    if is_expired(youth.expires_at, now):
        raise NotFoundError("Jeune inconnu dans ce département.")
    return youth


def youth_detail(code: str, id_externe: str, now: datetime) -> dict:
    youth = get_live(code, id_externe, now)
    referrals = [
        referral
        for referral in Referral.youth_index.query(ids.youth_key(code, id_externe))
        if not is_expired(referral.expires_at, now)
    ]
    return views.youth_detail(youth, referrals)

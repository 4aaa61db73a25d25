"""A department's referrals: filtered paged list and spreadsheet-safe CSV export (SPEC §4).

Reads the ``department-index`` (department / created_at) only: one department, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from chalicelib.reporting import params, views
from chalicelib.reporting.export import safe_csv
from chalicelib.store import referral_pages

INDEX_KEY = ("referral_id", "department", "created_at")


def filters(query: Mapping[str, str]) -> dict[str, str | None]:
    """The ``status`` / ``kind`` filters (None: every referral)."""
    return {
        "status": params.choice("status", query.get("status"), params.REFERRAL_STATUSES),
        "kind": params.choice("kind", query.get("kind"), params.REFERRAL_KINDS),
    }


def wants_csv(query: Mapping[str, str]) -> bool:
    return params.choice("format", query.get("format"), params.FORMATS) == "csv"


def list_referrals(code: str, query: Mapping[str, str], now: datetime) -> dict[str, Any]:
    size = params.limit(query.get("limit"))
    cursor = params.decode_cursor(query.get("cursor"), names=INDEX_KEY, fixed={"department": code})
    items, next_key = referral_pages.page(code, **filters(query), cursor=cursor, size=size, now=now)
    return {
        "items": [views.referral_view(referral) for referral in items],
        "count": len(items),
        "cursor": params.encode_cursor(next_key),
    }


def export_csv(code: str, query: Mapping[str, str], now: datetime) -> str:
    """Every live referral of the department matching the filters, one CSV line each."""
    found = referral_pages.of_department(code, now, **filters(query))
    return safe_csv((views.referral_row(referral) for referral in found), views.CSV_COLUMNS)


def live_of_department(code: str, now: datetime) -> Iterator[Any]:
    """Every live referral of the department, oldest first, streamed (the console's exports)."""
    return referral_pages.of_department(code, now)

"""A department's referrals: filtered paged list and spreadsheet-safe CSV export (SPEC §4).

Reads the ``department-index`` (department / created_at) only: one department, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from chalicelib.followup import params, views
from chalicelib.followup.youths import take
from chalicelib.reports.export import safe_csv
from chalicelib.store.base import is_expired
from chalicelib.store.models import Referral

INDEX_KEY = ("referral_id", "department", "created_at")


def filters(query: Mapping[str, str]):
    """The ``status`` / ``kind`` filter condition (None: every referral)."""
    status = params.choice("status", query.get("status"), params.REFERRAL_STATUSES)
    kind = params.choice("kind", query.get("kind"), params.REFERRAL_KINDS)
    condition = None
    if status:
        condition = Referral.status == status
    if kind:
        by_kind = Referral.kind == kind
        condition = by_kind if condition is None else condition & by_kind
    return condition


def wants_csv(query: Mapping[str, str]) -> bool:
    return params.choice("format", query.get("format"), params.FORMATS) == "csv"


def list_referrals(code: str, query: Mapping[str, str], now: datetime) -> dict:
    size = params.limit(query.get("limit"))
    condition = filters(query)
    cursor = params.decode_cursor(query.get("cursor"), names=INDEX_KEY, fixed={"department": code})
    results = Referral.department_index.query(
        code, filter_condition=condition, last_evaluated_key=cursor, page_size=size
    )
    items, next_key = take(results, size, now)
    return {
        "items": [views.referral_view(referral) for referral in items],
        "count": len(items),
        "cursor": params.encode_cursor(next_key),
    }


def live_referrals(code: str, now: datetime, condition=None) -> Iterator[Referral]:
    for referral in Referral.department_index.query(code, filter_condition=condition):
        if not is_expired(referral.expires_at, now):
            yield referral


def export_csv(code: str, query: Mapping[str, str], now: datetime) -> str:
    """Every live referral of the department matching the filters, one CSV line each."""
    rows = (views.referral_row(referral) for referral in live_referrals(code, now, filters(query)))
    return safe_csv(rows, views.CSV_COLUMNS)

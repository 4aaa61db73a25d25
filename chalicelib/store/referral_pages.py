"""A department's referrals as the reports and the API list them: the live referrals of its
``department-index``, filtered by status and kind, in pages or streamed (one Query, never a Scan).
Their transitions are in ``store.referrals``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from chalicelib.domain.stored import StoredReferral
from chalicelib.store.base import live, live_page
from chalicelib.store.models import Referral


def _filters(status: str | None, kind: str | None) -> Any:
    condition = None
    if status:
        condition = Referral.status == status
    if kind:
        by_kind = Referral.kind == kind
        condition = by_kind if condition is None else condition & by_kind
    return condition


def page(
    department: str,
    *,
    status: str | None,
    kind: str | None,
    cursor: dict[str, Any] | None,
    size: int,
    now: datetime,
) -> tuple[list[StoredReferral], dict[str, Any] | None]:
    """One page of the department's live referrals (``department-index``), and the next key."""
    results = Referral.department_index.query(
        department,
        filter_condition=_filters(status, kind),
        last_evaluated_key=cursor,
        page_size=size,
    )
    return live_page(results, size, now)


def of_department(
    department: str, now: datetime, *, status: str | None = None, kind: str | None = None
) -> Iterator[StoredReferral]:
    found = Referral.department_index.query(department, filter_condition=_filters(status, kind))
    return cast(Iterator[StoredReferral], (referral for referral in found if live(referral, now)))

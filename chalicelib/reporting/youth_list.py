"""The console's youths list at a department's size (SPEC §4b v3, §10): one page at a time from
an index made for the view (``store.listing``; a flag's: ``store.youth_flags``), the total from
a kept count (a name's: a COUNT of its index range), each row from the youth and the referrals
its schedule names (``youth_view``): at most three items a row, whatever the department's size.
A flag with a status or a month is read from the flag's index too (its keys start with the
majority date; only followed youths are flagged): every page is full but the last.

The search text (a name, a file number) never goes into a URL: the console saves the criteria
(``store.searches``) and the URL carries the saved search's random id; the page cursors are
sealed (``refs.seal``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib import refs
from chalicelib.domain.enums import YouthStatus
from chalicelib.reporting.youth_view import (
    FLAG_LABELS,
    STATUS_FILTERS,
    TO_REROUTE,
    WITHOUT_ANSWER,
    WITHOUT_PARTNER,
    YouthRow,
    placed_referral_ids,
    row,
)
from chalicelib.store import listing, searches, youth_flags
from chalicelib.store.base import live

SORTS = {"majorite": "Date de majorité", "nom": "Nom", "statut": "Statut"}
PAGE_SIZES = (20, 50, 100)
DEFAULT_SIZE = 50
SAVED_FIELDS = ("recherche", "statut", "mois", "filtre")
FLAG_VIEWS = {
    WITHOUT_PARTNER: youth_flags.BLOCKED,
    WITHOUT_ANSWER: youth_flags.LATE,
    TO_REROUTE: youth_flags.REROUTE,
}


@dataclass(frozen=True)
class Criteria:
    text: str = ""
    status: str = ""
    month: str = ""  # AAAA-MM of the majority
    flag: str = ""
    sort: str = "majorite"
    size: int = DEFAULT_SIZE

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Criteria:
        status, flag = str(fields.get("statut") or ""), str(fields.get("filtre") or "")
        month, sort = str(fields.get("mois") or "").strip(), str(fields.get("tri") or "")
        size = str(fields.get("taille") or "")
        return cls(
            text=str(fields.get("recherche") or "").strip()[:100],
            status=status if status in STATUS_FILTERS else "",
            month=month if _is_month(month) else "",
            flag=flag if flag in FLAG_LABELS else "",
            sort=sort if sort in SORTS else "majorite",
            size=int(size) if size in {str(n) for n in PAGE_SIZES} else DEFAULT_SIZE,
        )

    def saved(self) -> dict[str, str]:
        values = (self.text, self.status, self.month, self.flag)
        return {name: value for name, value in zip(SAVED_FIELDS, values, strict=True) if value}


def _is_month(text: str) -> bool:
    ok = len(text) == 7 and text.isascii() and text[4] == "-"
    return ok and text[:4].isdigit() and text[5:].isdigit()


@dataclass(frozen=True)
class ListPage:
    rows: list[YouthRow]
    total: int
    number: int  # 1 for the first page
    pages: int
    next: str | None  # sealed cursors, for ``apres`` / ``avant``
    previous: str | None


def save_search(code: str, criteria: Criteria, now: datetime) -> str:
    return searches.save(code, criteria.saved(), now)


def saved_search(code: str, search_id: str, now: datetime) -> dict[str, Any] | None:
    return searches.load(code, search_id, now)


def _source(code: str, criteria: Criteria) -> listing.Source:
    if criteria.text:
        # a name's matches, within the status, the month and the flag view asked for (a filter:
        # a name narrows the list more than any of them)
        prefix, flag = listing.fold(criteria.text), FLAG_VIEWS.get(criteria.flag, "")
        narrowed = {"status": criteria.status, "month": criteria.month, "flag": flag}
        by_name = listing.youths_by(code, "nom", prefix=prefix, **narrowed)
        if listing.count(by_name):
            return by_name  # "lefebvre", "lefebvre elo": the surname first, else the first name
        return listing.youths_by(code, "prenom", prefix=prefix, **narrowed)
    if criteria.flag:
        return listing.flagged(code, FLAG_VIEWS[criteria.flag], month=criteria.month)
    if criteria.month:
        return listing.youths_by(code, "majorite", prefix=criteria.month, status=criteria.status)
    if criteria.status and criteria.sort != "nom":
        return listing.youths_by(code, "statut", prefix=f"{criteria.status}#")
    return listing.youths_by(code, criteria.sort, status=criteria.status)


def _cursor(code: str, token: str) -> list[str] | None:
    text = refs.unseal(code, token) if token else None
    try:
        found = json.loads(text) if text else None
    except ValueError:
        return None
    return [str(v) for v in found] if isinstance(found, list) else None


def page(
    code: str,
    criteria: Criteria,
    *,
    after: str = "",
    before: str = "",
    number: int = 1,
    now: datetime,
) -> ListPage:
    """One page of the list: after (or before) the row a sealed cursor names."""
    exact = _by_file_number(code, criteria, now)
    if exact is not None:
        return exact
    if criteria.flag and criteria.status and criteria.status != YouthStatus.ACTIVE:
        # only a followed youth needs the department (``domain.youth_flags``): nothing to read
        return ListPage(rows=[], total=0, number=1, pages=1, next=None, previous=None)
    source = _source(code, criteria)
    backwards = bool(before) and not after
    cursor = _cursor(code, before if backwards else after)
    items, more = listing.read(source, cursor, backwards=backwards, size=criteria.size)
    total = _total(code, criteria, source)
    number = max(1, number) if cursor else 1
    first, last = (items[0], items[-1]) if items else (None, None)

    def seal(item: Any) -> str:
        return refs.seal(code, json.dumps(listing.cursor_of(source, item)))

    has_next = (not backwards and more) or (backwards and last is not None)
    has_previous = (backwards and more) or (not backwards and cursor is not None and number > 1)
    return ListPage(
        rows=_rows(code, items, criteria, now),
        total=total,
        number=number,
        pages=max(1, math.ceil(total / criteria.size)),
        next=seal(last) if has_next and last is not None else None,
        previous=seal(first) if has_previous and first is not None else None,
    )


def _total(code: str, criteria: Criteria, source: listing.Source) -> int:
    """From kept counts: a flag view's (``store.youth_flags``: one youth once, followed youths
    only, so that a status adds nothing), or the youths' by status and month kept at each
    upload; a name's, a COUNT of the view's own index range, as many keys as matches."""
    if criteria.flag and not criteria.text:
        return youth_flags.total(code, FLAG_VIEWS[criteria.flag], criteria.month)
    counts = None if criteria.text else listing.youth_counts(code)
    if counts is None:
        return listing.count(source)
    statuses = [criteria.status] if criteria.status else list(STATUS_FILTERS)
    if criteria.month:
        return sum(counts.get(f"{status}#{criteria.month}", 0) for status in statuses)
    return sum(counts.get(status, 0) for status in statuses)


def _by_file_number(code: str, criteria: Criteria, now: datetime) -> ListPage | None:
    """A search text that is a file number finds that youth (one GetItem)."""
    if not criteria.text or criteria.flag:
        return None
    youth = listing.youth(code, criteria.text.strip()) or listing.youth(
        code, criteria.text.strip().upper()
    )
    if youth is None or not live(youth, now):
        return None
    rows = _rows(code, [youth], replace(criteria, text=""), now)
    return ListPage(rows=rows, total=len(rows), number=1, pages=1, next=None, previous=None)


def _rows(code: str, items: list[Any], criteria: Criteria, now: datetime) -> list[YouthRow]:
    """Each youth's row, from the referrals its schedule places (one BatchGetItem a page) and the
    flags its views keep."""
    youths = [y for y in items if live(y, now)]
    ids = {y.id_externe: placed_referral_ids(y) for y in youths}
    referrals = listing.referrals(r for found in ids.values() for r in found)
    rows = [
        replace(
            row(y, [referrals[r] for r in ids[y.id_externe] if r in referrals]),
            flags=_flags(y),
        )
        for y in youths
    ]
    return [r for r in rows if _keeps(r, criteria)]


def _flags(youth: Any) -> frozenset[str]:
    """The flags the youth's views keep (``store.youth_flags``): a row shows the views it is
    listed in, decided from every referral of the youth (its page's), not only those read here."""
    held = youth_flags.held(youth)
    return frozenset(flag for flag, view in FLAG_VIEWS.items() if held[view])


def _keeps(found: YouthRow, criteria: Criteria) -> bool:
    """What the view's index could not select (a row of a flag view: still flagged, active)."""
    if criteria.status and found.status != criteria.status:
        return False
    if criteria.month and found.majority_date.isoformat()[:7] != criteria.month:
        return False
    return not criteria.flag or criteria.flag in found.flags


EXPORT_BATCH = 100  # youths whose referrals are read in one BatchGetItem


def every_row(code: str, now: datetime) -> Iterator[YouthRow]:
    """Every live youth's line, by file number, for the exports: the department's partition
    streamed (one paginated Query), each hundred's referrals in one BatchGetItem (never the
    whole department in memory)."""
    batch: list[Any] = []
    for youth in listing.department_youths(code):
        batch.append(youth)
        if len(batch) == EXPORT_BATCH:
            yield from _rows(code, batch, Criteria(), now)
            batch = []
    if batch:
        yield from _rows(code, batch, Criteria(), now)

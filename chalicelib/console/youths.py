"""The youths list of the console (SPEC §4b v3): paged, sortable, searched and filtered.

The search form is POSTed: its criteria are saved (``reporting.youth_list.save_search``) and the
browser is sent (303) to ``GET /console/jeunes?q=<random id>``, so the list survives the Back
button and can be bookmarked while the URL carries no name and no file number. The page size,
the sort and the sealed page cursors travel in the URL; the filters without personal data
(status, month, situation) may too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

from chalicelib.reporting import youth_list
from chalicelib.reporting.youth_list import Criteria
from chalicelib.reporting.youth_view import FLAG_LABELS, KIND_ORDER, STATUS_FILTERS
from chalicelib.validation import whole_number

URL_FIELDS = ("statut", "mois", "filtre")  # never "recherche"


def search_redirect(code: str, fields: Mapping[str, str], now: datetime) -> str:
    """Save the POSTed search; the address of its first page."""
    criteria = Criteria.from_fields(fields)
    query = {"q": youth_list.save_search(code, criteria, now)}
    query.update(
        {k: v for k, v in (("tri", fields.get("tri")), ("taille", fields.get("taille"))) if v}
    )
    return "/console/jeunes?" + urlencode(query)


def criteria_of(code: str, params: Mapping[str, str], now: datetime) -> tuple[Criteria, str]:
    """The criteria of a GET: the saved search ``q`` names, or the filters in the URL (never a
    search text); and the ``q`` still valid ("" when none)."""
    saved = youth_list.saved_search(code, params.get("q", ""), now)
    fields = dict(saved) if saved is not None else {k: params[k] for k in URL_FIELDS if k in params}
    for name in ("tri", "taille"):
        if name in params:
            fields[name] = params[name]
    return Criteria.from_fields(fields), params.get("q", "") if saved is not None else ""


def listing(code: str, params: Mapping[str, str], now: datetime) -> dict:
    criteria, search_id = criteria_of(code, params, now)
    number = params.get("n", "1")
    found = youth_list.page(
        code,
        criteria,
        after=params.get("apres", ""),
        before=params.get("avant", ""),
        number=whole_number(number, 6) or 1,
        now=now,
    )
    return {
        "page": found,
        "rows": found.rows,
        "total": found.total,
        "filters": criteria,
        "links": _links(criteria, search_id, found),
        "sorts": youth_list.SORTS,
        "page_sizes": youth_list.PAGE_SIZES,
        "search_id": search_id,
        "flag_labels": FLAG_LABELS,
        "status_filters": STATUS_FILTERS,
        "kinds": KIND_ORDER,
    }


def _links(criteria: Criteria, search_id: str, found: youth_list.ListPage) -> dict[str, str]:
    """The URLs of the next and previous pages and of each sort (no personal data in them)."""
    base: dict[str, str] = (
        {"q": search_id}
        if search_id
        else {
            name: value
            for name, value in (
                ("statut", criteria.status),
                ("mois", criteria.month),
                ("filtre", criteria.flag),
            )
            if value
        }
    )
    base["taille"] = str(criteria.size)

    def url(**extra: str) -> str:
        return "/console/jeunes?" + urlencode({**base, **extra})

    links = {f"tri_{sort}": url(tri=sort) for sort in youth_list.SORTS}
    if found.next:
        links["next"] = url(tri=criteria.sort, apres=found.next, n=str(found.number + 1))
    if found.previous:
        links["previous"] = url(tri=criteria.sort, avant=found.previous, n=str(found.number - 1))
    links["base"] = url()
    return links

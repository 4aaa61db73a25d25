"""The partners' space routes (SPEC §4c): HTML in French, no account, the acknowledgement
pages' headers and same-origin check; the CSV export with the same headers."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.ack import service as ack
from chalicelib.ack.service import Page
from chalicelib.api import base
from chalicelib.api.ack import MALFORMED, MAX_FORM_BYTES, page, read_form, same_origin
from chalicelib.domain.clock import utcnow
from chalicelib.observability import log_failure
from chalicelib.partners import space

CSV_HEADERS: dict[str, str | list[str]] = {
    **base.PAGE_HEADERS,
    "Content-Type": "text/csv; charset=utf-8",
}


def get_space(request: Request, token: str) -> Response:
    base.correlate(request)
    return page(lambda: space.view(token, base.query_param(request, "page") or None, utcnow()))


def get_referral(request: Request, token: str, referral_id: str) -> Response:
    base.correlate(request)
    return page(lambda: space.referral_page(token, referral_id, utcnow()))


def post_referral(request: Request, token: str, referral_id: str) -> Response:
    base.correlate(request)

    def call() -> Page:
        raw = base.raw_body(request)
        if len(raw) > MAX_FORM_BYTES:
            return ack.error_page(413, "Formulaire trop long.")
        form = read_form(raw)
        if form is None:
            return ack.error_page(400, MALFORMED)
        allowed = same_origin(request)
        return space.answer(token, referral_id, form, utcnow(), same_origin=allowed)

    return page(call)


def get_export(request: Request, token: str) -> Response:
    base.correlate(request)
    try:
        found = space.export(token, utcnow())
    except Exception as error:
        log_failure("partners' export failed", error)
        found = ack.error_page(500, "Erreur interne.")
    if isinstance(found, Page):
        return base.page_response(found.html, found.status)
    headers = {**CSV_HEADERS, "Content-Disposition": f'attachment; filename="{found.filename}"'}
    return Response(body=found.csv.encode("utf-8"), status_code=200, headers=headers)

"""Partner routes: the acknowledgement page and its form. HTML in French, no account."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chalice.app import Request, Response

from chalicelib import settings
from chalicelib.ack import service
from chalicelib.api import base
from chalicelib.domain.clock import utcnow
from chalicelib.observability import log_failure

MAX_FORM_BYTES = 16 * 1024


def get_ack(request: Request, token: str) -> Response:
    base.correlate(request)
    return _page(lambda: service.view(token, utcnow()))


def post_ack(request: Request, token: str) -> Response:
    base.correlate(request)

    def call() -> service.Page:
        raw = request.raw_body or b""
        if len(raw) > MAX_FORM_BYTES:
            return service.Page(
                413, service.render_page("error", {"message": "Formulaire trop long."})
            )
        form = {
            key: values[0]
            for key, values in parse_qs(raw.decode("utf-8", "replace"), max_num_fields=20).items()
        }
        return service.answer(token, form, utcnow(), same_origin=same_origin(request))

    return _page(call)


def same_origin(request: Request) -> bool:
    """Accept our own form (fetch metadata, else Origin/Referer naming the public base URL or the
    request's own host); refuse other sites."""
    headers = request.headers or {}
    site = (headers.get("sec-fetch-site") or "").lower()
    if site:  # set by the browser itself (a page cannot forge it); with Referrer-Policy
        return site in ("same-origin", "none")  # no-referrer, Origin is "null" on our own form
    origin = headers.get("origin") or headers.get("referer")
    if not origin or origin == "null":
        return not headers.get("origin")  # no Origin at all: not a browser form post
    found = urlsplit(origin)
    public = urlsplit(settings.current().public_base_url)
    allowed = {(public.scheme, public.netloc)}
    host = headers.get("host")
    if host:
        allowed |= {("http", host), ("https", host)}
    return (found.scheme, found.netloc) in allowed


def _page(call) -> Response:
    try:
        page = call()
    except Exception as error:
        log_failure("ack page failed", error)
        return base.page_response(service.render_page("error", {"message": "Erreur interne."}), 500)
    return base.page_response(page.html, page.status)

"""Partner routes: the acknowledgement page and its form. HTML in French, no account."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from chalice.app import Request, Response

from chalicelib import settings
from chalicelib.ack import service
from chalicelib.api import base
from chalicelib.domain.clock import utcnow
from chalicelib.observability import log_failure

MAX_FORM_BYTES = 16 * 1024
MAX_FIELDS = 20  # the form has 6 (and the browser adds none); more is not our form
MALFORMED = "Formulaire illisible : rechargez la page de réponse et envoyez-la de nouveau."


def get_ack(request: Request, token: str) -> Response:
    base.correlate(request)
    return page(lambda: service.view(token, utcnow()))


def post_ack(request: Request, token: str) -> Response:
    base.correlate(request)

    def call() -> service.Page:
        raw = base.raw_body(request)
        if len(raw) > MAX_FORM_BYTES:
            return service.error_page(413, "Formulaire trop long.")
        form = read_form(raw)
        if form is None:
            return service.error_page(400, MALFORMED)
        return service.answer(token, form, utcnow(), same_origin=same_origin(request))

    return page(call)


def read_form(raw: bytes) -> dict[str, str] | None:
    """The form's fields, or None when it is not the form we serve: not UTF-8, too many fields,
    a field given twice."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    form = dict(pairs)
    return form if len(form) == len(pairs) else None


def same_origin(request: Request) -> bool:
    """Accept our own form (fetch metadata, else Origin/Referer naming the public base URL or the
    request's own host); refuse other sites."""
    headers: dict[str, str] = {k.lower(): str(v) for k, v in dict(request.headers or {}).items()}
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


def page(call: Callable[[], service.Page]) -> Response:
    """The page ``call`` gives, with the pages' headers; a French 500 page when it fails."""
    try:
        shown = call()
    except Exception as error:
        log_failure("partner page failed", error)
        return base.page_response(service.render_page("error", {"message": "Erreur interne."}), 500)
    return base.page_response(shown.html, shown.status)

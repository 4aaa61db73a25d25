"""HTTP plumbing of the console: cookies, forms, CSRF, pages, redirects, errors.

Pages carry the acknowledgement pages' security headers; the console's Content-Security-Policy
adds only our own stylesheet and script (``'self'``) and, for the upload progress bar, the
upload bucket's origin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalice.app import Request, Response

from chalicelib import settings
from chalicelib.api import base
from chalicelib.api.ack import same_origin
from chalicelib.console import oidc, sessions
from chalicelib.domain.clock import utcnow
from chalicelib.domain.labels import STATUS_LABELS
from chalicelib.errors import RelaisError
from chalicelib.messages.environment import TEMPLATES_DIR, environment
from chalicelib.observability import log_failure

LOGIN_COOKIE = "relais_connexion"
SIGN_OUT_COOKIE = "relais_deconnexion"
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 200
STATIC_DIR = TEMPLATES_DIR / "console" / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


class FormError(RelaisError):
    """A form the console cannot accept (CSRF, origin, size): 400/403 page, nothing changed."""

    status = 400
    code = "bad_form"


@dataclass
class Page:
    """What a view returns: a template and its context, or a redirect, or a ready response."""

    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    redirect: str | None = None
    response: Response | None = None


def secure_cookies() -> bool:
    """``Secure`` everywhere except on the local plain-HTTP address of ``make run``/tests."""
    host = urlsplit(settings.current().public_base_url)
    return not (host.scheme == "http" and host.hostname in ("127.0.0.1", "localhost"))


def session_cookie_name() -> str:
    return "__Host-relais_session" if secure_cookies() else "relais_session"


def cookie(name: str, value: str, *, max_age: int, path: str = "/") -> str:
    flags = f"{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    return flags + ("; Secure" if secure_cookies() else "")


def cookies(request: Request) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(base.header(request, "cookie") or "")
    except CookieError:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def session_id(request: Request) -> str | None:
    return cookies(request).get(session_cookie_name())


def form(request: Request) -> dict[str, str]:
    raw = base.raw_body(request)
    if len(raw) > MAX_FORM_BYTES:
        raise FormError("Formulaire trop long.")
    try:
        parsed = parse_qs(raw.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise FormError("Formulaire illisible.") from None
    return {key: values[-1] for key, values in parsed.items()}


def checked_form(request: Request, agent: sessions.Agent) -> dict[str, str]:
    """The form of a POST, after its origin and CSRF token were checked."""
    fields = form(request)
    if not same_origin(request) or not sessions.csrf_ok(agent, fields.get("csrf")):
        raise FormError(
            "Ce formulaire a expiré ou ne vient pas de Relais ASE : rechargez la page et "
            "recommencez.",
            code="csrf",
        )
    return fields


def content_security_policy() -> str:
    upload = settings.current().endpoint_url or (
        f"https://{settings.current().upload_bucket}.s3.{settings.current().region}.amazonaws.com"
    )
    form_action = " ".join(["'self'", *oidc.form_action_origins()])
    return (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {upload}; form-action {form_action}; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


def headers(extra: Mapping[str, str | list[str]] | None = None) -> dict[str, str | list[str]]:
    return {
        **base.PAGE_HEADERS,
        "Content-Security-Policy": content_security_policy(),
        **(extra or {}),
    }


def render(template: str, context: Mapping[str, Any]) -> str:
    page = environment().get_template(f"console/{template}")
    defaults = {"STATUS_LABELS": STATUS_LABELS, "current": "", "errors": [], "done": None}
    return page.render(**{**defaults, **context})


def html(template: str, context: Mapping[str, Any], status: int = 200) -> Response:
    return Response(body=render(template, context), status_code=status, headers=headers())


def redirect(location: str, extra: Mapping[str, str | list[str]] | None = None) -> Response:
    return Response(body="", status_code=303, headers={**headers(extra), "Location": location})


def error_page(status: int, message: str, agent: sessions.Agent | None = None) -> Response:
    return html("error.html.j2", {"message": message, "status": status, "agent": agent}, status)


def respond(call: Callable[[], Response]) -> Response:
    """Run a view; expected errors become French pages, unexpected ones a generic 500 page."""
    try:
        return call()
    except RelaisError as error:
        return error_page(error.status, error.message)
    except Exception as error:
        log_failure("console page failed", error)
        return error_page(500, "Erreur interne. Réessayez dans un instant.")


def signed_in(request: Request, view: Callable[[sessions.Agent], Page]) -> Response:
    """Serve ``view`` to the signed-in agent; others go to the sign-in page."""

    def call() -> Response:
        base.correlate(request)
        agent = sessions.current(session_id(request), utcnow())
        if agent is None:
            return redirect("/console/connexion")
        try:
            page = view(agent)
        except RelaisError as error:
            return error_page(error.status, error.message, agent)
        if page.response is not None:
            return page.response
        if page.redirect:
            return redirect(page.redirect)
        return html(page.template, {**page.context, "agent": agent}, page.status)

    return respond(call)


def static_file(name: str) -> Response:
    """Our stylesheet and script (no build chain: the files as written)."""
    path = STATIC_DIR / Path(name).name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or path.name != name or not path.is_file():
        return error_page(404, "Page introuvable.")
    return Response(
        body=path.read_text(encoding="utf-8"),
        status_code=200,
        headers={
            "Content-Type": kind,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )

"""HTTP plumbing of the console: cookies, forms, CSRF, pages, redirects, errors.

Pages carry the acknowledgement pages' security headers; the console's Content-Security-Policy
adds only our own stylesheet and script (``'self'``) and, for the upload progress bar, the
upload bucket's origin; a page may name more form targets (the import's HTML form to S3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from weakref import WeakKeyDictionary

from chalice.app import Request, Response

from chalicelib import limits, settings
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
FORM_EXPIRED = (
    "Ce formulaire a expiré ou ne vient pas de Relais ASE : rechargez la page et recommencez."
)
TOO_LARGE_WITHOUT_SCRIPT = (
    "Fichier de plus de 4 Mo : sans JavaScript, ce formulaire n'envoie que 4 Mo au plus. "
    "Revenez à la page d'import et choisissez « Préparer l'envoi direct » : le fichier partira "
    "directement vers notre stockage (50 Mo au plus). Votre logiciel peut aussi l'envoyer par "
    "l'API (POST /departments/{code}/roster-uploads)."
)
# what the guard already read of a request, for its page (one parse of a 4 MB form, not two)
_FORMS: WeakKeyDictionary[Request, dict[str, str]] = WeakKeyDictionary()
_PARTS: WeakKeyDictionary[Request, dict[str, bytes]] = WeakKeyDictionary()
_AGENTS: WeakKeyDictionary[Request, sessions.Agent | None] = WeakKeyDictionary()
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
    form_targets: tuple[str, ...] = ()  # origins its forms post to, besides ours


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
    """The fields of a urlencoded form (read once per request: the guard read them first)."""
    if request in _FORMS:
        return _FORMS[request]
    raw = base.raw_body(request)
    if len(raw) > MAX_FORM_BYTES:
        raise FormError("Formulaire trop long.")
    try:
        parsed = parse_qs(raw.decode("utf-8"), max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise FormError("Formulaire illisible.") from None
    fields = _FORMS[request] = {key: values[-1] for key, values in parsed.items()}
    return fields


def multipart(request: Request) -> dict[str, bytes]:
    """The parts of a multipart form (the import without JavaScript), by name, read once per
    request. Above the direct limit the file must go through S3: API Gateway would not deliver
    it whole (SPEC §4, ``limits.MAX_DIRECT_BYTES``)."""
    if request in _PARTS:
        return _PARTS[request]
    raw = base.raw_body(request)
    if len(raw) > limits.MAX_DIRECT_BYTES + MAX_FORM_BYTES:
        raise limits.FileLimitError(TOO_LARGE_WITHOUT_SCRIPT, code="payload_too_large")
    kind = base.header(request, "content-type") or ""
    message: EmailMessage = BytesParser(policy=HTTP).parsebytes(  # type: ignore[arg-type,assignment]
        b"Content-Type: " + kind.encode("utf-8", "replace") + b"\r\n\r\n" + raw
    )
    fields: dict[str, bytes] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = payload if isinstance(payload, bytes) else b""
    _PARTS[request] = fields
    return fields


def form_token(request: Request) -> str:
    """The CSRF token a form carries, whatever its encoding."""
    kind = (base.header(request, "content-type") or "").lower()
    if kind.startswith("multipart/"):
        return multipart(request).get("csrf", b"").decode("utf-8", "replace")
    return form(request).get("csrf", "")


def agent_of(request: Request) -> sessions.Agent | None:
    """The signed-in agent of the request (its session read once per request)."""
    if request not in _AGENTS:
        _AGENTS[request] = sessions.current(session_id(request), utcnow())
    return _AGENTS[request]


def refused(request: Request, *, check_form: bool) -> Response | None:
    """None when the request may reach its console route: a signed-in agent's, and for a form,
    posted from our own pages with the session's CSRF token. Otherwise the answer, and no page
    code has run (``console.guard``, app.py's middleware, calls this)."""
    try:
        base.correlate(request)
        agent = agent_of(request)
        if agent is None:
            return redirect("/console/connexion")
        if check_form and not (
            same_origin(request) and sessions.csrf_ok(agent, form_token(request))
        ):
            return error_page(FormError.status, FORM_EXPIRED, agent)
    except RelaisError as error:
        return error_page(error.status, error.message)
    except Exception as error:
        log_failure("console form check failed", error)
        return error_page(500, "Erreur interne. Réessayez dans un instant.")
    return None


def content_security_policy(form_targets: tuple[str, ...] = ()) -> str:
    upload = settings.current().endpoint_url or (
        f"https://{settings.current().upload_bucket}.s3.{settings.current().region}.amazonaws.com"
    )
    form_action = " ".join(["'self'", *oidc.form_action_origins(), *form_targets])
    return (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {upload}; form-action {form_action}; frame-ancestors 'none'; "
        "base-uri 'none'"
    )


def headers(
    extra: Mapping[str, str | list[str]] | None = None, form_targets: tuple[str, ...] = ()
) -> dict[str, str | list[str]]:
    return {
        **base.PAGE_HEADERS,
        "Content-Security-Policy": content_security_policy(form_targets),
        **(extra or {}),
    }


def render(template: str, context: Mapping[str, Any]) -> str:
    page = environment().get_template(f"console/{template}")
    defaults = {"STATUS_LABELS": STATUS_LABELS, "current": "", "errors": [], "done": None}
    return page.render(**{**defaults, **context})


def html(
    template: str, context: Mapping[str, Any], status: int = 200, form_targets: tuple[str, ...] = ()
) -> Response:
    return Response(
        body=render(template, context), status_code=status, headers=headers(None, form_targets)
    )


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
        agent = agent_of(request)
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
        return html(page.template, {**page.context, "agent": agent}, page.status, page.form_targets)

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

"""Sign-in and sign-out pages: ProConnect's authorization code flow, then our session cookie."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api import base
from chalicelib.console import oidc, sessions, web
from chalicelib.domain.clock import utcnow
from chalicelib.observability import logger

LOGIN_PATH = "/console/connexion"
SIGN_OUT_PATH = "/console/deconnexion"
MESSAGES = {
    "sortie": ("Vous êtes déconnecté(e) de Relais ASE et de ProConnect.", "success"),
    # the provider could not be asked to end its own session: say what that means on a shared
    # computer
    "sortie-locale": (
        "Vous êtes déconnecté(e) de Relais ASE. Votre session ProConnect est peut-être encore "
        "ouverte : sur un ordinateur partagé, fermez le navigateur.",
        "notice",
    ),
    "expiree": ("Votre session a expiré : identifiez-vous à nouveau.", "notice"),
}


def root(request: Request) -> Response:
    return web.redirect("/console")


def sign_in_page(request: Request) -> Response:
    def call() -> Response:
        base.correlate(request)
        if sessions.current(web.session_id(request), utcnow()) is not None:
            return web.redirect("/console")
        text, kind = MESSAGES.get(base.query_param(request, "message"), ("", ""))
        return web.html("signin.html.j2", {"agent": None, "message": text, "message_kind": kind})

    return web.respond(call)


def start(request: Request) -> Response:
    """Off to the provider; the state also goes in a 10-minute cookie of this browser."""

    def call() -> Response:
        base.correlate(request)
        try:
            state, url = sessions.begin_sign_in(utcnow())
        except oidc.SignInError as error:
            return _sign_in_failed(error)
        lifetime = int(sessions.LOGIN_LIFETIME.total_seconds())
        login_cookie = web.cookie(web.LOGIN_COOKIE, state, max_age=lifetime, path=LOGIN_PATH)
        return Response(
            body="",
            status_code=302,
            headers={**web.headers(), "Location": url, "Set-Cookie": login_cookie},
        )

    return web.respond(call)


def callback(request: Request) -> Response:
    def call() -> Response:
        base.correlate(request)
        query: dict[str, str] = dict(request.query_params or {})
        if query.get("error"):
            return _refused("La connexion a été annulée ou refusée par ProConnect.", 400)
        browser_state = web.cookies(request).get(web.LOGIN_COOKIE, "")
        try:
            session_id, _ = sessions.finish_sign_in(
                query.get("state", ""), query.get("code", ""), browser_state, utcnow()
            )
        except sessions.NotAllowedError:
            return _refused(
                "Votre adresse n'est autorisée dans aucun département. Demandez à un collègue "
                "déjà autorisé de l'ajouter (page Paramètres), ou à l'équipe Relais ASE.",
                403,
            )
        except oidc.SignInError as error:
            return _sign_in_failed(error)
        lifetime = int(sessions.MAXIMUM.total_seconds())
        session = web.cookie(web.session_cookie_name(), session_id, max_age=lifetime)
        return web.redirect("/console", {"Set-Cookie": session})

    return web.respond(call)


def switch_department(request: Request) -> Response:
    def view(agent: sessions.Agent) -> web.Page:
        fields = web.form(request)
        if not sessions.switch(agent, (fields.get("departement") or "").strip().upper()):
            return web.Page(response=web.error_page(403, "Département non autorisé.", agent))
        return web.Page(redirect="/console")

    return web.signed_in(request, view)


def _sign_in_failed(error: oidc.SignInError) -> Response:
    """A French page, 400 for an answer we refuse, 503 for a provider we cannot reach; the log
    names the cause only (a warning: refusals are expected; an error when we cannot work)."""
    log = logger.error if error.status == 503 else logger.warning
    log("console sign-in refused", extra={"cause": error.cause.value, "status": error.status})
    if error.status == 503:
        return _refused(
            "La connexion avec ProConnect est indisponible pour le moment : réessayez dans "
            "quelques minutes.",
            503,
        )
    return _refused("La connexion n'a pas abouti : recommencez.", error.status)


def _refused(message: str, status: int) -> Response:
    return web.html(
        "signin.html.j2", {"agent": None, "message": message, "message_kind": "alert"}, status
    )


def sign_out(request: Request) -> Response:
    """Our session ends here; then the browser goes to the provider to end the agent's session
    there too (ProConnect's rule: the next person at a shared computer must sign in again)."""

    def view(agent: sessions.Agent) -> web.Page:
        provider = sessions.sign_out(agent)
        cleared = web.cookie(web.session_cookie_name(), "", max_age=0)
        if provider is None:
            return web.Page(
                response=web.redirect(
                    f"{LOGIN_PATH}?message=sortie-locale", {"Set-Cookie": cleared}
                )
            )
        lifetime = int(sessions.LOGIN_LIFETIME.total_seconds())
        state = web.cookie(
            web.SIGN_OUT_COOKIE, provider.state, max_age=lifetime, path=SIGN_OUT_PATH
        )
        return web.Page(response=web.redirect(provider.url, {"Set-Cookie": [cleared, state]}))

    return web.signed_in(request, view)


def sign_out_return(request: Request) -> Response:
    """Back from the provider's sign-out. The state proves this browser started it; a stray or
    late return (the cookie lasts 10 minutes) only leads to the sign-in page, without the
    message: our session was closed before the browser left."""

    def call() -> Response:
        base.correlate(request)
        browser_state = web.cookies(request).get(web.SIGN_OUT_COOKIE, "")
        cleared = web.cookie(web.SIGN_OUT_COOKIE, "", max_age=0, path=SIGN_OUT_PATH)
        if not sessions.signed_out_here(base.query_param(request, "state"), browser_state):
            return web.redirect(LOGIN_PATH, {"Set-Cookie": cleared})
        return web.redirect(f"{LOGIN_PATH}?message=sortie", {"Set-Cookie": cleared})

    return web.respond(call)

"""Every console request is checked here, once, before any route runs (deny by default, as
Django's ``LoginRequiredMiddleware``): a ``/console`` route needs a signed-in agent unless it is
marked ``public`` in ``console.routes``; a non-GET request also needs to come from our own pages
(Origin or fetch metadata) with the session's CSRF token (``web.refused``). A route added later is
covered without remembering anything.

app.py's middleware calls ``checked`` for every HTTP request, the API's included: this module
loads nothing heavy until a console request arrives.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import Request, Response

from chalicelib.console.routes import PUBLIC
from chalicelib.lazy import lazy

web = lazy("chalicelib.console.web")

PREFIX = "/console"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def route_of(request: Request) -> str:
    """The request's route pattern, as API Gateway and Chalice's local server give it."""
    return str((request.context or {}).get("resourcePath") or "")


def is_console(route: str) -> bool:
    return route == PREFIX or route.startswith(PREFIX + "/")


def checked(request: Request, get_response: Callable[[Request], Response]) -> Response:
    route = route_of(request)
    if is_console(route):
        is_form = (request.method or "").upper() not in READS
        if is_form or route not in PUBLIC:
            refusal = web.refused(request, check_form=is_form)
            if refusal is not None:
                return refusal
    return get_response(request)

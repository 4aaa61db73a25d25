"""Every console form is checked here, once, before any route runs: a non-GET request to a
``/console`` path reaches its route only from a signed-in agent, posted from our own pages (Origin
or fetch metadata) with the session's CSRF token (``web.refused_form``). A route added later is
covered without remembering anything.

app.py's middleware calls ``checked`` for every HTTP request, the API's included: this module
loads nothing until a console form arrives.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import Request, Response

from chalicelib.lazy import lazy

web = lazy("chalicelib.console.web")

PREFIX = "/console"
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_console_form(request: Request) -> bool:
    """A request that may change something, to a console route (its route pattern, as API
    Gateway and Chalice's local server give it)."""
    if (request.method or "").upper() in READS:
        return False
    route = str((request.context or {}).get("resourcePath") or "")
    return route == PREFIX or route.startswith(PREFIX + "/")


def checked(request: Request, get_response: Callable[[Request], Response]) -> Response:
    if is_console_form(request):
        refusal = web.refused_form(request)
        if refusal is not None:
            return refusal
    return get_response(request)

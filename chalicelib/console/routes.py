"""The console's routes, one function per route of app.py (SPEC §4b).

Each serves the signed-in agent's own department (from the session); URLs carry opaque youth
references, never a file number or a name.
"""

from __future__ import annotations

from pathlib import Path

from chalice.app import Request, Response

from chalicelib.console import pages, web
from chalicelib.messages.environment import TEMPLATES_DIR

STATIC_DIR = TEMPLATES_DIR / "console" / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def home(request: Request) -> Response:
    return web.signed_in(request, pages.home)


def youths(request: Request) -> Response:
    return web.signed_in(request, lambda agent: pages.youths_list(agent, request))


def youth(request: Request, ref: str) -> Response:
    return web.signed_in(request, lambda agent: pages.youth_page(agent, ref, request))


def youth_decide(request: Request, ref: str) -> Response:
    return web.signed_in(request, lambda agent: pages.youth_decide(agent, ref, request))


def youth_erase_confirm(request: Request, ref: str) -> Response:
    return web.signed_in(request, lambda agent: pages.youth_erase_confirm(agent, ref))


def youth_erase(request: Request, ref: str) -> Response:
    return web.signed_in(request, lambda agent: pages.youth_erase(agent, ref, request))


def alerts(request: Request) -> Response:
    return web.signed_in(request, lambda agent: pages.alerts_page(agent, request))


def static(request: Request, name: str) -> Response:
    """Our stylesheet and script (no build chain: the files as written)."""
    path = STATIC_DIR / Path(name).name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or path.name != name or not path.is_file():
        return web.error_page(404, "Page introuvable.")
    return Response(
        body=path.read_text(encoding="utf-8"),
        status_code=200,
        headers={
            "Content-Type": kind,
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )

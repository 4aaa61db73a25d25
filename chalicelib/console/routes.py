"""The console's routes, one function per route of app.py (SPEC §4b).

Each serves the signed-in agent's own department (from the session); URLs carry opaque youth
references, never a file number or a name.
"""

from __future__ import annotations

from pathlib import Path

from chalice.app import Request, Response

from chalicelib.console import import_pages, pages, settings_page, web
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


def import_form(request: Request) -> Response:
    return web.signed_in(request, import_pages.form_page)


def import_upload(request: Request) -> Response:
    return web.signed_in(request, lambda agent: import_pages.upload_form(agent, request))


def import_presign(request: Request) -> Response:
    return web.signed_in(request, lambda agent: import_pages.presign(agent, request))


def import_staged(request: Request, upload_id: str) -> Response:
    return web.signed_in(request, lambda agent: import_pages.staged(agent, upload_id, request))


def import_progress(request: Request, upload_id: str) -> Response:
    return web.signed_in(request, lambda agent: import_pages.progress(agent, upload_id))


def import_report(request: Request, upload_id: str) -> Response:
    return web.signed_in(request, lambda agent: import_pages.report_page(agent, upload_id))


def import_apply(request: Request, upload_id: str) -> Response:
    return web.signed_in(request, lambda agent: import_pages.apply(agent, upload_id, request))


def import_columns(request: Request, upload_id: str) -> Response:
    return web.signed_in(request, lambda agent: import_pages.remap(agent, upload_id, request))


def exports_page(request: Request) -> Response:
    return web.signed_in(request, pages.exports_page)


def export_download(request: Request, name: str) -> Response:
    return web.signed_in(request, lambda agent: pages.export_download(agent, name))


def settings(request: Request) -> Response:
    return web.signed_in(request, lambda agent: settings_page.page(agent, request))


def settings_save(request: Request) -> Response:
    return web.signed_in(request, lambda agent: settings_page.save(agent, request))


def settings_agents(request: Request) -> Response:
    return web.signed_in(request, lambda agent: settings_page.change_agents(agent, request))


def accessibility(request: Request) -> Response:
    return web.respond(lambda: pages.statement("accessibility.html.j2", request))


def personal_data(request: Request) -> Response:
    return web.respond(lambda: pages.statement("personal_data.html.j2", request))


def alerts_commune(request: Request) -> Response:
    return web.signed_in(request, lambda agent: pages.alerts_commune(agent, request))


def alert(request: Request, alert_id: str) -> Response:
    return web.signed_in(request, lambda agent: pages.alert_page(agent, alert_id))


def alert_close(request: Request, alert_id: str) -> Response:
    return web.signed_in(request, lambda agent: pages.alert_close(agent, alert_id, request))


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

"""Pages of the import: the form (file chooser and drop zone), the dry-run report with the column
form, the confirmation of exits, the result and the history."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from chalice.app import Request, Response

from chalicelib.console import imports, web
from chalicelib.console.sessions import Agent
from chalicelib.errors import BadRequestError
from chalicelib.reporting import youth_file
from chalicelib.roster import columns, uploads

SKIP = ""  # the select's "do not import" choice


def form_page(agent: Agent) -> web.Page:
    return web.Page(
        "import.html.j2",
        {
            "history": imports.history(agent.department),
            "report_days": uploads.REPORT_KEPT.days,
            "current": "/console/import",
        },
    )


def upload_form(agent: Agent, request: Request) -> web.Page:
    """The file of the form without JavaScript (the guard checked the form and its size)."""
    data = web.multipart(request).get("fichier", b"")
    upload_id = imports.stage_bytes(agent.department, data, agent.actor)
    imports.run(agent.department, upload_id)
    return web.Page(redirect=imports.page_path(upload_id))


def presign(agent: Agent, request: Request) -> web.Page:
    """JSON for the page's script: where to POST the file (straight to S3)."""
    body = imports.presigned_post(agent.department, agent.actor)
    return web.Page(response=_json(body, 201))


def direct_form(agent: Agent, request: Request) -> web.Page:
    """Without JavaScript, a file of any size: an HTML form that posts it straight to S3 (the
    presigned POST's fields as hidden inputs); S3 then sends the browser to the report page."""
    target = imports.presigned_post(agent.department, agent.actor, back_to_console=True)
    address = urlsplit(target["url"])
    return web.Page(
        "import_direct.html.j2",
        {"target": target, "current": "/console/import"},
        form_targets=(f"{address.scheme}://{address.netloc}",),
    )


def staged(agent: Agent, upload_id: str, request: Request) -> web.Page:
    """The script's file reached S3: check it (dry run)."""
    imports.run(agent.department, upload_id)
    return web.Page(redirect=f"/console/import/{upload_id}")


def progress(agent: Agent, upload_id: str) -> web.Page:
    state = uploads.status(agent.department, upload_id)
    keys = ("status", "rows_total", "rows_done")
    return web.Page(response=_json({key: state[key] for key in keys}, 200))


def report_page(agent: Agent, upload_id: str) -> web.Page:
    imports.run_arrived(agent.department, upload_id)  # S3 sent the form's browser here
    state = uploads.status(agent.department, upload_id)
    report = state["report"] or {}
    error = report.get("error") or {}
    described = None
    if error.get("code") == "missing_columns" or report.get("ignored_columns"):
        described = imports.columns_of(agent.department, upload_id)
    return web.Page(
        "import_report.html.j2",
        {
            "upload_id": upload_id,
            "state": state,
            "report": report,
            "error": error,
            "dry_run": _is_dry_run(state),
            "described": described,
            "exits": youth_file.names_of(agent.department, list(report.get("exited_ids") or [])),
            "targets": columns.LABELS,
            "current": "/console/import",
        },
    )


def _is_dry_run(state: dict) -> bool:
    report = state["report"] or {}
    return not report.get("applied")


def apply(agent: Agent, upload_id: str, request: Request) -> web.Page:
    fields = web.form(request)
    confirm = fields.get("confirmer_sorties") == "oui"
    report = uploads.status(agent.department, upload_id)["report"] or {}
    if report.get("exits_need_confirmation") and not confirm:
        page = report_page(agent, upload_id)
        page.context["errors"] = [
            ("confirmer_sorties", "Cochez la case pour confirmer les sorties du suivi.")
        ]
        page.status = 400
        return page
    applied = imports.apply(agent.department, upload_id, confirm_exits=confirm, actor=agent.actor)
    return web.Page(redirect=f"/console/import/{applied}")


def remap(agent: Agent, upload_id: str, request: Request) -> web.Page:
    fields = web.form(request)
    chosen = {
        fields[key]: fields.get(f"colonne-{key[7:]}", SKIP)
        for key in fields
        if key.startswith("entete-")
    }
    unknown = [c for c in chosen.values() if c and c not in columns.COLUMNS]
    if unknown:
        raise BadRequestError("Colonne inconnue.", code="invalid_mapping")
    checked = imports.remap(agent.department, upload_id, chosen, actor=agent.actor)
    return web.Page(redirect=f"/console/import/{checked}")


def _json(body: dict, status: int) -> Response:
    return Response(
        body=json.dumps(body),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"},
    )

"""The console's pages (SPEC §4b): each function takes the signed-in agent (and the request
where a form is posted) and returns a ``web.Page``. Every read is limited to the agent's own
department: the department code comes from the session, never from the URL.
"""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api import base
from chalicelib.console import actions, alerts, dashboard, exports, sessions, web, youth, youths
from chalicelib.console.sessions import Agent
from chalicelib.departments import journal
from chalicelib.domain.clock import utcnow
from chalicelib.errors import BadRequestError
from chalicelib.validation import whole_number

DONE_MESSAGES = {
    "choisie": "Mission locale choisie : l'orientation part avec le prochain envoi.",
    "gardee": "Refus pris en compte : aucune autre mission locale ne sera sollicitée.",
    "efface": "Les données du jeune ont été effacées.",
    "traitee": "Alerte marquée comme traitée.",
}


def home(agent: Agent) -> web.Page:
    context = dashboard.figures(agent.department, utcnow())
    return web.Page("dashboard.html.j2", {**context, "current": "/console"})


def youths_list(agent: Agent, request: Request) -> web.Page:
    """POST: the search is saved, then 303 to its opaque GET (``console.youths``)."""
    if request.method == "POST":
        fields = web.form(request)
        return web.Page(redirect=youths.search_redirect(agent.department, fields, utcnow()))
    params = dict(request.query_params or {})
    context = youths.listing(agent.department, params, utcnow())
    done = DONE_MESSAGES.get(base.query_param(request, "fait"))
    return web.Page("youths.html.j2", {**context, "current": "/console/jeunes", "done": done})


def youth_page(agent: Agent, ref: str, request: Request) -> web.Page:
    found = youth.load(agent.department, ref, utcnow())
    done = DONE_MESSAGES.get(base.query_param(request, "fait"))
    return web.Page(
        "youth.html.j2",
        {
            "youth": found.line,
            "record": youth.record_view(found.youth),
            "referrals": [youth.referral_view(r) for r in found.referrals],
            "timeline": youth.timeline(found),
            "decision": actions.decision(found.youth, found.referrals),
            "current": "/console/jeunes",
            "done": done,
        },
    )


def youth_decide(agent: Agent, ref: str, request: Request) -> web.Page:
    fields = web.form(request)
    now = utcnow()
    found = youth.load(agent.department, ref, now)
    if fields.get("action") == "garder":
        actions.keep(found.youth, found.referrals, actor=agent.actor, now=now)
        return web.Page(redirect=f"/console/jeunes/{ref}?fait=gardee")
    if fields.get("action") == "choisir":
        chosen = fields.get("partenaire") or fields.get("code_ml", "")
        actions.choose(found.youth, found.referrals, chosen, actor=agent.actor, now=now)
        return web.Page(redirect=f"/console/jeunes/{ref}?fait=choisie")
    raise BadRequestError("Action inconnue.")


def youth_erase_confirm(agent: Agent, ref: str) -> web.Page:
    found = youth.load(agent.department, ref, utcnow())
    return web.Page("erase.html.j2", {"youth": found.line, "current": "/console/jeunes"})


def youth_erase(agent: Agent, ref: str, request: Request) -> web.Page:
    fields = web.form(request)
    found = youth.load(agent.department, ref, utcnow())
    if fields.get("confirmation") != "oui":
        return web.Page(
            "erase.html.j2",
            {
                "youth": found.line,
                "current": "/console/jeunes",
                "errors": [("confirmation", "Cochez la case pour confirmer l'effacement.")],
            },
            status=400,
        )
    actions.erase(found.youth, actor=agent.actor, now=utcnow())
    return web.Page(redirect="/console/jeunes?fait=efface")


def alerts_page(agent: Agent, request: Request) -> web.Page:
    done = DONE_MESSAGES.get(base.query_param(request, "fait"))
    if base.query_param(request, "fait") == "commune":
        count = base.query_param(request, "jeunes")
        done = f"Mission locale choisie pour {whole_number(count, 6) or 0} jeune(s)."
    kind = base.query_param(request, "type")
    number = base.query_param(request, "page")
    context = alerts.page(
        agent.department,
        utcnow(),
        kind=kind if kind in alerts.KINDS else "",
        number=whole_number(number, 5) or 1,
    )
    return web.Page("alerts.html.j2", {**context, "current": "/console/alertes", "done": done})


def alerts_commune(agent: Agent, request: Request) -> web.Page:
    """One mission locale for every youth of a shared commune (``actions.choose_for_commune``)."""
    fields = web.form(request)
    now = utcnow()
    waiting = alerts.waiting_in_commune(agent.department, fields.get("commune", ""), now)
    if not waiting:
        raise BadRequestError("Plus aucun jeune n'attend de choix pour cette commune.")
    done, _ = actions.choose_for_commune(
        agent.department, waiting, fields.get("code_ml", ""), actor=agent.actor, now=now
    )
    return web.Page(redirect=f"/console/alertes?fait=commune&jeunes={done}")


def alert_page(agent: Agent, alert_id: str) -> web.Page:
    """One alert, as the digest links to it."""
    alert, still_open = alerts.one(agent.department, alert_id, utcnow())
    return web.Page(
        "alert.html.j2", {"alert": alert, "still_open": still_open, "current": "/console/alertes"}
    )


def alert_close(agent: Agent, alert_id: str, request: Request) -> web.Page:
    alerts.close(agent.department, alert_id, by=agent.email, actor=agent.actor, now=utcnow())
    return web.Page(redirect="/console/alertes?fait=traitee")


def exports_page(agent: Agent) -> web.Page:
    return web.Page("exports.html.j2", {"exports": exports.EXPORTS, "current": "/console/exports"})


def export_download(agent: Agent, name: str) -> web.Page:
    """To the file through a presigned link valid one minute (see ``console.exports``)."""
    link = exports.download_link(agent.department, name, utcnow())
    journal.record(agent.department, "console_export", agent.actor, subject=name)
    return web.Page(redirect=link)


def statement(template: str, request: Request) -> Response:
    """The accessibility statement and the personal data page: readable without signing in."""
    agent = sessions.current(web.session_id(request), utcnow())
    return web.html(template, {"agent": agent, "current": ""})

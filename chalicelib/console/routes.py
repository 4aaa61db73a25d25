"""The console's routes (SPEC §4b), each declared once: its path, its method and the one call it
makes. app.py registers this blueprint.

Each serves the signed-in agent's own department (from the session); URLs carry opaque youth
references, never a file number or a name. Deny by default: before any route runs,
``console.guard`` sends a request without a session to the sign-in page (unless its route is
marked ``public``) and checks the CSRF token and the origin of every non-GET request; no route
checks its own form.

Importing this module loads no page code: the modules below load on first use (``chalicelib.lazy``),
so the API's and the workers' cold starts do not pay for the console.
"""

from __future__ import annotations

from chalice.app import Blueprint, Request, Response

from chalicelib.lazy import lazy

web = lazy("chalicelib.console.web")
signin = lazy("chalicelib.console.signin")
pages = lazy("chalicelib.console.pages")
import_pages = lazy("chalicelib.console.import_pages")
settings_page = lazy("chalicelib.console.settings_page")

FORM = ["application/x-www-form-urlencoded"]
MULTIPART = ["multipart/form-data"]

console = Blueprint(__name__)
# the console's routes open without a session; every other one needs a signed-in agent
# (``console.guard`` sends anyone else to the sign-in page before the route runs)
PUBLIC: set[str] = set()


def public(path: str) -> str:
    PUBLIC.add(path)
    return path


def _request() -> Request:
    return console.current_request


# --- sign-in and sign-out -------------------------------------------------------------------------
@console.route("/", methods=["GET"])
def root() -> Response:
    return signin.root(_request())


@console.route(public("/console/connexion"), methods=["GET"])
def sign_in() -> Response:
    return signin.sign_in_page(_request())


@console.route(public("/console/connexion/proconnect"), methods=["GET"])
def sign_in_start() -> Response:
    return signin.start(_request())


@console.route(public("/console/connexion/retour"), methods=["GET"])
def sign_in_callback() -> Response:
    return signin.callback(_request())


@console.route("/console/deconnexion", methods=["POST"], content_types=FORM)
def sign_out() -> Response:
    return signin.sign_out(_request())


@console.route(public("/console/deconnexion/retour"), methods=["GET"])
def sign_out_return() -> Response:
    return signin.sign_out_return(_request())


@console.route("/console/departement", methods=["POST"], content_types=FORM)
def switch_department() -> Response:
    return signin.switch_department(_request())


# --- pages open to anyone -------------------------------------------------------------------------
@console.route(public("/console/static/{name}"), methods=["GET"])
def static(name: str) -> Response:
    return web.static_file(name)


@console.route(public("/console/accessibilite"), methods=["GET"])
def accessibility() -> Response:
    return web.respond(lambda: pages.statement("accessibility.html.j2", _request()))


@console.route(public("/console/donnees-personnelles"), methods=["GET"])
def personal_data() -> Response:
    return web.respond(lambda: pages.statement("personal_data.html.j2", _request()))


# --- dashboard and youths -------------------------------------------------------------------------
@console.route("/console", methods=["GET"])
def home() -> Response:
    return web.signed_in(_request(), pages.home)


@console.route("/console/jeunes", methods=["GET"])
def youths() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.youths_list(agent, request))


@console.route("/console/jeunes", methods=["POST"], content_types=FORM)
def youths_search() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.youths_list(agent, request))


@console.route("/console/jeunes/{ref}", methods=["GET"])
def youth(ref: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.youth_page(agent, ref, request))


@console.route("/console/jeunes/{ref}/orientation", methods=["POST"], content_types=FORM)
def youth_decide(ref: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.youth_decide(agent, ref, request))


@console.route("/console/jeunes/{ref}/effacement", methods=["GET"])
def youth_erase_confirm(ref: str) -> Response:
    return web.signed_in(_request(), lambda agent: pages.youth_erase_confirm(agent, ref))


@console.route("/console/jeunes/{ref}/effacement", methods=["POST"], content_types=FORM)
def youth_erase(ref: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.youth_erase(agent, ref, request))


# --- alerts ---------------------------------------------------------------------------------------
@console.route("/console/alertes", methods=["GET"])
def alerts() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.alerts_page(agent, request))


@console.route("/console/alertes/commune", methods=["POST"], content_types=FORM)
def alerts_commune() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.alerts_commune(agent, request))


@console.route("/console/alertes/{alert_id}", methods=["GET"])
def alert(alert_id: str) -> Response:
    return web.signed_in(_request(), lambda agent: pages.alert_page(agent, alert_id))


@console.route("/console/alertes/{alert_id}/traitee", methods=["POST"], content_types=FORM)
def alert_close(alert_id: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: pages.alert_close(agent, alert_id, request))


# --- import ---------------------------------------------------------------------------------------
@console.route("/console/import", methods=["GET"])
def import_form() -> Response:
    return web.signed_in(_request(), import_pages.form_page)


@console.route("/console/import", methods=["POST"], content_types=MULTIPART)
def import_upload() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.upload_form(agent, request))


@console.route("/console/import/depot", methods=["POST"], content_types=FORM)
def import_presign() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.presign(agent, request))


@console.route("/console/import/envoi-direct", methods=["POST"], content_types=FORM)
def import_direct() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.direct_form(agent, request))


@console.route("/console/import/{upload_id}", methods=["GET"])
def import_report(upload_id: str) -> Response:
    return web.signed_in(_request(), lambda agent: import_pages.report_page(agent, upload_id))


@console.route("/console/import/{upload_id}/etat", methods=["GET"])
def import_progress(upload_id: str) -> Response:
    return web.signed_in(_request(), lambda agent: import_pages.progress(agent, upload_id))


@console.route("/console/import/{upload_id}/verifier", methods=["POST"], content_types=FORM)
def import_staged(upload_id: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.staged(agent, upload_id, request))


@console.route("/console/import/{upload_id}/appliquer", methods=["POST"], content_types=FORM)
def import_apply(upload_id: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.apply(agent, upload_id, request))


@console.route("/console/import/{upload_id}/colonnes", methods=["POST"], content_types=FORM)
def import_columns(upload_id: str) -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: import_pages.remap(agent, upload_id, request))


# --- exports and settings -------------------------------------------------------------------------
@console.route("/console/exports", methods=["GET"])
def exports() -> Response:
    return web.signed_in(_request(), pages.exports_page)


@console.route("/console/exports/{name}", methods=["GET"])
def export_download(name: str) -> Response:
    return web.signed_in(_request(), lambda agent: pages.export_download(agent, name))


@console.route("/console/parametres", methods=["GET"])
def settings() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: settings_page.page(agent, request))


@console.route("/console/parametres", methods=["POST"], content_types=FORM)
def settings_save() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: settings_page.save(agent, request))


@console.route("/console/parametres/agents", methods=["POST"], content_types=FORM)
def settings_agents() -> Response:
    request = _request()
    return web.signed_in(request, lambda agent: settings_page.change_agents(agent, request))

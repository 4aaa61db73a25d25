"""Relais ASE — the table of contents. Each entry point is one call into chalicelib."""

from chalice import Chalice, Cron, Rate

from chalicelib import settings
from chalicelib.fanout import SEND_WORKERS
from chalicelib.lazy import lazy

# Each Lambda loads only the part of chalicelib its entry points use (see chalicelib/lazy.py).
fanout = lazy("chalicelib.fanout.schedule")
workers = lazy("chalicelib.fanout.worker")
ack = lazy("chalicelib.api.ack")
departments = lazy("chalicelib.api.departments")
directory = lazy("chalicelib.api.directory")
reporting = lazy("chalicelib.api.reporting")
events = lazy("chalicelib.delivery.events")
uploads = lazy("chalicelib.roster.uploads")
platform = lazy("chalicelib.api.platform")
console = lazy("chalicelib.console.routes")
signin = lazy("chalicelib.console.signin")

# configure_logs=False: Chalice's logger has the app's name, which is also the Powertools logger's
# (service "relais-ase"); left on, Chalice sets it to ERROR and adds a plain-text handler.
app = Chalice(app_name="relais-ase", configure_logs=False)
app.api.binary_types.extend(
    [
        "text/csv",
        "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
)
FILE_TYPES = [
    "text/csv",
    "text/plain",
    "application/csv",
    "application/octet-stream",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
]
FORM_TYPES = ["application/x-www-form-urlencoded"]
MULTIPART_TYPES = ["multipart/form-data"]
JSON_TYPES = ["application/json"]


@app.middleware("http")
def french_errors(request, get_response):
    return platform.in_french(get_response(request))


@app.route("/health", methods=["GET"])
def health():
    return {"status": "ok"}


# --- departments ---------------------------------------------------------------------------------
@app.route("/departments/{code}/roster", methods=["PUT"], content_types=FILE_TYPES)
def put_roster(code):
    return departments.put_roster(app.current_request, code)


@app.route("/departments/{code}/column-mapping", methods=["PUT"], content_types=JSON_TYPES)
def put_column_mapping(code):
    return departments.put_column_mapping(app.current_request, code)


@app.route("/departments/{code}/column-mapping", methods=["GET"])
def get_column_mapping(code):
    return departments.get_column_mapping(app.current_request, code)


@app.route("/departments/{code}/roster-uploads", methods=["POST"])
def create_roster_upload(code):
    return departments.create_upload(app.current_request, code)


@app.route("/departments/{code}/roster-uploads/{upload_id}", methods=["GET"])
def get_roster_upload(code, upload_id):
    return departments.get_upload(app.current_request, code, upload_id)


# --- department reporting: youths, referrals, report, erasure ------------------------------------
@app.route("/departments/{code}/youths", methods=["GET"])
def list_youths(code):
    return reporting.list_youths(app.current_request, code)


@app.route("/departments/{code}/youths/{id_externe}", methods=["GET"])
def get_youth(code, id_externe):
    return reporting.get_youth(app.current_request, code, id_externe)


@app.route("/departments/{code}/youths/{id_externe}", methods=["DELETE"])
def delete_youth(code, id_externe):
    return reporting.delete_youth(app.current_request, code, id_externe)


@app.route("/departments/{code}/referrals", methods=["GET"])
def list_referrals(code):
    return reporting.list_referrals(app.current_request, code)


@app.route("/departments/{code}/report", methods=["GET"])
def get_report(code):
    return reporting.get_report(app.current_request, code)


@app.route("/directory/coverage-gaps", methods=["GET"])
def get_coverage_gaps():
    return reporting.coverage_gaps(app.current_request)


# --- directory (operators) -----------------------------------------------------------------------
@app.route("/directory/missions-locales", methods=["PUT"], content_types=FILE_TYPES)
def put_missions_locales():
    return directory.put_directory(app.current_request, "missions-locales")


@app.route("/directory/coverage", methods=["PUT"], content_types=FILE_TYPES)
def put_coverage():
    return directory.put_directory(app.current_request, "coverage")


@app.route("/directory/habitat-jeunes", methods=["PUT"], content_types=FILE_TYPES)
def put_habitat_jeunes():
    return directory.put_directory(app.current_request, "habitat-jeunes")


# --- partners' acknowledgement -------------------------------------------------------------------
@app.route("/ack/{token}", methods=["GET"])
def get_ack(token):
    return ack.get_ack(app.current_request, token)


@app.route("/ack/{token}", methods=["POST"], content_types=FORM_TYPES)
def post_ack(token):
    return ack.post_ack(app.current_request, token)


# --- department console (HTML, French; SPEC §4b) -----------------------------------------------
@app.route("/", methods=["GET"])
def root():
    return signin.root(app.current_request)


@app.route("/console/connexion", methods=["GET"])
def console_sign_in():
    return signin.sign_in_page(app.current_request)


@app.route("/console/connexion/proconnect", methods=["GET"])
def console_sign_in_start():
    return signin.start(app.current_request)


@app.route("/console/connexion/retour", methods=["GET"])
def console_sign_in_callback():
    return signin.callback(app.current_request)


@app.route("/console/deconnexion", methods=["POST"], content_types=FORM_TYPES)
def console_sign_out():
    return signin.sign_out(app.current_request)


@app.route("/console/deconnexion/retour", methods=["GET"])
def console_sign_out_return():
    return signin.sign_out_return(app.current_request)


@app.route("/console/departement", methods=["POST"], content_types=FORM_TYPES)
def console_switch_department():
    return signin.switch_department(app.current_request)


@app.route("/console/static/{name}", methods=["GET"])
def console_static(name):
    return console.static(app.current_request, name)


@app.route("/console", methods=["GET"])
def console_home():
    return console.home(app.current_request)


@app.route("/console/jeunes", methods=["GET"])
def console_youths():
    return console.youths(app.current_request)


@app.route("/console/jeunes", methods=["POST"], content_types=FORM_TYPES)
def console_youths_search():
    return console.youths(app.current_request)


@app.route("/console/jeunes/{ref}", methods=["GET"])
def console_youth(ref):
    return console.youth(app.current_request, ref)


@app.route("/console/jeunes/{ref}/orientation", methods=["POST"], content_types=FORM_TYPES)
def console_youth_decide(ref):
    return console.youth_decide(app.current_request, ref)


@app.route("/console/jeunes/{ref}/effacement", methods=["GET"])
def console_youth_erase_confirm(ref):
    return console.youth_erase_confirm(app.current_request, ref)


@app.route("/console/jeunes/{ref}/effacement", methods=["POST"], content_types=FORM_TYPES)
def console_youth_erase(ref):
    return console.youth_erase(app.current_request, ref)


@app.route("/console/alertes", methods=["GET"])
def console_alerts():
    return console.alerts(app.current_request)


@app.route("/console/alertes/commune", methods=["POST"], content_types=FORM_TYPES)
def console_alerts_commune():
    return console.alerts_commune(app.current_request)


@app.route("/console/alertes/{alert_id}", methods=["GET"])
def console_alert(alert_id):
    return console.alert(app.current_request, alert_id)


@app.route("/console/alertes/{alert_id}/traitee", methods=["POST"], content_types=FORM_TYPES)
def console_alert_close(alert_id):
    return console.alert_close(app.current_request, alert_id)


@app.route("/console/import", methods=["GET"])
def console_import():
    return console.import_form(app.current_request)


@app.route("/console/import", methods=["POST"], content_types=MULTIPART_TYPES)
def console_import_upload():
    return console.import_upload(app.current_request)


@app.route("/console/import/depot", methods=["POST"], content_types=FORM_TYPES)
def console_import_presign():
    return console.import_presign(app.current_request)


@app.route("/console/import/{upload_id}", methods=["GET"])
def console_import_report(upload_id):
    return console.import_report(app.current_request, upload_id)


@app.route("/console/import/{upload_id}/etat", methods=["GET"])
def console_import_progress(upload_id):
    return console.import_progress(app.current_request, upload_id)


@app.route("/console/import/{upload_id}/verifier", methods=["POST"], content_types=FORM_TYPES)
def console_import_staged(upload_id):
    return console.import_staged(app.current_request, upload_id)


@app.route("/console/import/{upload_id}/appliquer", methods=["POST"], content_types=FORM_TYPES)
def console_import_apply(upload_id):
    return console.import_apply(app.current_request, upload_id)


@app.route("/console/import/{upload_id}/colonnes", methods=["POST"], content_types=FORM_TYPES)
def console_import_columns(upload_id):
    return console.import_columns(app.current_request, upload_id)


@app.route("/console/exports", methods=["GET"])
def console_exports():
    return console.exports_page(app.current_request)


@app.route("/console/exports/{name}", methods=["GET"])
def console_export_download(name):
    return console.export_download(app.current_request, name)


@app.route("/console/parametres", methods=["GET"])
def console_settings():
    return console.settings(app.current_request)


@app.route("/console/parametres", methods=["POST"], content_types=FORM_TYPES)
def console_settings_save():
    return console.settings_save(app.current_request)


@app.route("/console/parametres/agents", methods=["POST"], content_types=FORM_TYPES)
def console_settings_agents():
    return console.settings_agents(app.current_request)


@app.route("/console/accessibilite", methods=["GET"])
def console_accessibility():
    return console.accessibility(app.current_request)


@app.route("/console/donnees-personnelles", methods=["GET"])
def console_personal_data():
    return console.personal_data(app.current_request)


# --- schedules: each enqueues per-department work (SQS) for the workers below -------------------
@app.schedule(Cron(0, 5, "*", "*", "?", "*"))  # 05:00 UTC: past midnight in every department
def daily_scan(event):
    return fanout.fan_out("scan")


@app.schedule(Rate(5, unit=Rate.MINUTES))
def dispatch(event):
    return fanout.fan_out("dispatch")


@app.schedule(Rate(1, unit=Rate.HOURS))
def followups(event):
    return fanout.fan_out("followups")


@app.schedule(Cron(30, 5, "*", "*", "?", "*"))  # 05:30 UTC, after the scan: one email a day
def alert_digest(event):
    return fanout.fan_out("alerts")


@app.schedule(Cron(0, 6, "?", "*", "MON", "*"))  # Mondays 06:00 UTC: Monday in every department
def weekly_digest(event):
    return fanout.fan_out("digest")


# --- workers: one department's batch per invocation; failed items reported (partial batch) -------
@app.on_sqs_message(queue=settings.current().jobs_queue, batch_size=1)
def job_worker(event):
    return workers.handle(event)


# At most SEND_WORKERS at once: they share the account's sending rate (chalicelib/delivery/rate.py).
@app.on_sqs_message(
    queue=settings.current().sends_queue, batch_size=1, maximum_concurrency=SEND_WORKERS
)
def send_worker(event):
    return workers.handle(event)


# --- events --------------------------------------------------------------------------------------
# The S3 trigger (prefix uploads/) is declared in infra/resources.yaml: `chalice package`
# cannot package on_s3_event.
@app.lambda_function(name="roster_upload_received")
def roster_upload_received(event, context):
    return uploads.process_event(event, getattr(context, "aws_request_id", None))


@app.on_sns_message(topic=settings.current().ses_events_topic)
def ses_events(event):
    return events.handle(event.message)

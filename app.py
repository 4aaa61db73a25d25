"""Relais ASE — the table of contents. Each entry point is one call into chalicelib."""

from chalice import Chalice, Cron, Rate

from chalicelib import settings
from chalicelib.console import guard as console_guard
from chalicelib.console import routes as console_routes
from chalicelib.fanout import SEND_WORKERS
from chalicelib.lazy import lazy

# Each Lambda loads only the part of chalicelib its entry points use (see chalicelib/lazy.py).
fanout = lazy("chalicelib.fanout.schedule")
workers = lazy("chalicelib.fanout.worker")
ack = lazy("chalicelib.api.ack")
partners = lazy("chalicelib.api.partners")
departments = lazy("chalicelib.api.departments")
directory = lazy("chalicelib.api.directory")
reporting = lazy("chalicelib.api.reporting")
events = lazy("chalicelib.delivery.events")
uploads = lazy("chalicelib.roster.uploads")
platform = lazy("chalicelib.api.platform")
usage = lazy("chalicelib.api.usage_key")

# configure_logs=False: Chalice's logger has the app's name, which is also the Powertools logger's
# (service "relais-ase"); left on, Chalice sets it to ERROR and adds a plain-text handler.
app = Chalice(app_name="relais-ase", configure_logs=False)
app.api.binary_types.extend(
    [
        "text/csv",
        "application/octet-stream",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.ms-excel",
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
    "application/vnd.oasis.opendocument.spreadsheet",
]
FORM_TYPES = ["application/x-www-form-urlencoded"]
JSON_TYPES = ["application/json"]


@app.middleware("http")
def french_errors(request, get_response):
    return platform.in_french(get_response(request))


@app.middleware("http")  # every console form: CSRF token and origin, before any route runs
def console_forms(request, get_response):
    return console_guard.checked(request, get_response)


# API Gateway throttles each key apart (a usage plan, docs/DEPLOY.md "Per-client limits"): this
# authorizer only names the key a call counts against; the routes still check the key themselves.
@app.authorizer(ttl_seconds=300)
def usage_key(auth_request):
    return usage.identify(auth_request)


# every /departments and /directory route; the others (health, ack, partners, console) have no key
KEYED = {"authorizer": usage_key, "api_key_required": True}


@app.route("/health", methods=["GET"])
def health():
    return {"status": "ok"}


# --- departments ---------------------------------------------------------------------------------
@app.route("/departments/{code}/roster", methods=["PUT"], content_types=FILE_TYPES, **KEYED)
def put_roster(code):
    return departments.put_roster(app.current_request, code)


@app.route("/departments/{code}/column-mapping", methods=["PUT"], content_types=JSON_TYPES, **KEYED)
def put_column_mapping(code):
    return departments.put_column_mapping(app.current_request, code)


@app.route("/departments/{code}/column-mapping", methods=["GET"], **KEYED)
def get_column_mapping(code):
    return departments.get_column_mapping(app.current_request, code)


@app.route("/departments/{code}/roster-uploads", methods=["POST"], **KEYED)
def create_roster_upload(code):
    return departments.create_upload(app.current_request, code)


@app.route("/departments/{code}/roster-uploads/{upload_id}", methods=["GET"], **KEYED)
def get_roster_upload(code, upload_id):
    return departments.get_upload(app.current_request, code, upload_id)


# --- department reporting: youths, referrals, report, erasure ------------------------------------
@app.route("/departments/{code}/youths", methods=["GET"], **KEYED)
def list_youths(code):
    return reporting.list_youths(app.current_request, code)


@app.route("/departments/{code}/youths/{id_externe}", methods=["GET"], **KEYED)
def get_youth(code, id_externe):
    return reporting.get_youth(app.current_request, code, id_externe)


@app.route("/departments/{code}/youths/{id_externe}", methods=["DELETE"], **KEYED)
def delete_youth(code, id_externe):
    return reporting.delete_youth(app.current_request, code, id_externe)


@app.route("/departments/{code}/referrals", methods=["GET"], **KEYED)
def list_referrals(code):
    return reporting.list_referrals(app.current_request, code)


@app.route("/departments/{code}/report", methods=["GET"], **KEYED)
def get_report(code):
    return reporting.get_report(app.current_request, code)


@app.route("/directory/coverage-gaps", methods=["GET"], **KEYED)
def get_coverage_gaps():
    return reporting.coverage_gaps(app.current_request)


# --- directory (operators) -----------------------------------------------------------------------
@app.route("/directory/missions-locales", methods=["PUT"], content_types=FILE_TYPES, **KEYED)
def put_missions_locales():
    return directory.put_directory(app.current_request, "missions-locales")


@app.route("/directory/coverage", methods=["PUT"], content_types=FILE_TYPES, **KEYED)
def put_coverage():
    return directory.put_directory(app.current_request, "coverage")


@app.route("/directory/communes", methods=["PUT"], content_types=FILE_TYPES, **KEYED)
def put_communes():
    return directory.put_directory(app.current_request, "communes")


@app.route("/directory/habitat-jeunes", methods=["PUT"], content_types=FILE_TYPES, **KEYED)
def put_habitat_jeunes():
    return directory.put_directory(app.current_request, "habitat-jeunes")


# --- partners' acknowledgement -------------------------------------------------------------------
@app.route("/ack/{token}", methods=["GET"])
def get_ack(token):
    return ack.get_ack(app.current_request, token)


@app.route("/ack/{token}", methods=["POST"], content_types=FORM_TYPES)
def post_ack(token):
    return ack.post_ack(app.current_request, token)


# --- partners' space (HTML, French; SPEC §4c) ----------------------------------------------------
@app.route("/partenaires/{token}", methods=["GET"])
def get_partner_space(token):
    return partners.get_space(app.current_request, token)


@app.route("/partenaires/{token}/orientations.csv", methods=["GET"])
def get_partner_export(token):
    return partners.get_export(app.current_request, token)


@app.route("/partenaires/{token}/orientations/{referral_id}", methods=["GET"])
def get_partner_referral(token, referral_id):
    return partners.get_referral(app.current_request, token, referral_id)


@app.route(
    "/partenaires/{token}/orientations/{referral_id}", methods=["POST"], content_types=FORM_TYPES
)
def post_partner_referral(token, referral_id):
    return partners.post_referral(app.current_request, token, referral_id)


# --- department console (HTML, French; SPEC §4b): its routes, one table -------------------------
app.register_blueprint(console_routes.console)


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


@app.schedule(Rate(15, unit=Rate.MINUTES))  # uploads left processing by a run that died
def stuck_uploads(event):
    return fanout.fan_out("uploads")


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

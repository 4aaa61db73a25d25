"""National-scale monthly cost of Relais ASE: measured unit costs × national volumes × prices.

Pure arithmetic. The unit costs (``Measured``) come from the bench's runs on the embedded
endpoint; the volumes from ``Scenario`` (national assumptions, see docs/COSTS.md); the prices from
``prices_eu_west_3.json`` (USD). Everything is per month: a year / 12, a week × 365.25 / 12 / 7.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

PRICES_FILE = Path(__file__).resolve().parent / "prices_eu_west_3.json"
DAYS_PER_MONTH = 365.25 / 12
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
HOURS_PER_MONTH = 730
PLATFORM_LOG_BYTES = 350  # what Lambda itself logs per invocation (START, END, REPORT lines)
ITEM_OVERHEAD_BYTES = 100  # DynamoDB bills 100 bytes of index overhead per stored item
GB = 1024**3
# EMF: CloudWatch bills a custom metric (name + dimension values) per hour in which it receives
# data. The metrics are national (chalicelib/observability.py): in how many hours a month each
# event's metrics can receive data, and how many series they have (MessagesSent: email or sms;
# acks: two metrics). The rare metrics (escalations, failures...) add a Department series:
# each occurrence counted as a metric-hour of its own (an upper bound).
METRIC_HOURS = {
    "idle_digest": (WEEKS_PER_MONTH, 1),  # PathwayRisks, Monday's digest run
    "upload": (WEEKS_PER_MONTH, 2),  # RosterRowsReceived, YouthsExited: the weekly upload
    "referral_created": (DAYS_PER_MONTH, 1),  # ReferralsCreated: the daily scan's hour
    "message_sent": (3 * DAYS_PER_MONTH, 2),  # after the scan, at 08:00 (SMS), follow-ups
    "reminder_queued": (DAYS_PER_MONTH, 1),  # Reminders
    "ack_answer": (22 * 9, 2),  # AcksReceived, AckDelayHours: partners' working hours
}
# Work items a month per department (chalicelib/fanout): the daily scan, the daily alert digest,
# three send waves a day (after the scan, 08:00 for SMS, after the follow-ups), one follow-up
# batch a day, the weekly risk digest. Idle departments enqueue nothing (the schedules probe).
WORK_ITEMS_PER_DAY, WORK_ITEMS_PER_WEEK = 6, 1
WORK_QUEUES = 2
# Lambda's SQS event source polls each queue even when idle: 5 pollers, 20 s long polls.
IDLE_RECEIVES_PER_QUEUE = 5 * DAYS_PER_MONTH * 86_400 / 20
SQS_REQUESTS_PER_ITEM = 2.1  # receive + delete, and a tenth of a SendMessageBatch
SECRET_CALLS_PER_INVOCATION = 0.01  # the key is cached per container: one call per cold start
NEAR_MAJORITY_YEARS = 0.5  # the risk digest's window: less than 6 months from majority
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class Unit:
    """What one occurrence of an event costs: DynamoDB capacity units, Lambda seconds (measured
    locally: an upper bound), bytes logged, EMF blobs, and which function runs it."""

    rru: float = 0.0
    wru: float = 0.0
    seconds: float = 0.0
    log_bytes: float = 0.0
    emf_blobs: float = 0.0
    function: str = "jobs"  # "jobs" (scheduled and event handlers) or "api"


@dataclass(frozen=True)
class Scenario:
    """National volumes. Defaults: 101 departments, 380,000 youths of 16–21 on the rosters."""

    departments: int = 101
    youths: int = 380_000
    ml_referrals_per_year: int = 15_000  # youths reaching 17 (mission-locale referral)
    housing_share: float = 0.40  # of them, a habitat-jeunes referral too
    invitation_share: float = 0.50  # of them, a preparation interview invitation (.ics)
    reminder_share: float = 0.30  # partner referrals not answered within 7 days
    escalation_share: float = 0.10  # partner referrals not answered within 14 days
    placement_share: float = 0.50  # ML referrals whose placement structure is told
    answered_share: float = 0.70  # partner referrals answered through the link
    views_per_answer: float = 2.0  # page views (GET) per answer (POST)
    sms_share: float = 0.10  # partner messages going by SMS (partners whose channel is SMS)
    weekly_changed_share: float = 0.02  # rows new, changed or gone in a weekly full upload
    api_reads_per_department_per_week: float = 50.0  # follow-up pages, reports, exports
    upload_status_polls: float = 3.0  # GET …/roster-uploads/{id} per upload
    referral_years_kept: float = 6.0  # ML referral ~17 → youth 21 + 24 months retention
    message_days_kept: float = 400.0  # messages' TTL (store.messages.MESSAGE_TTL)
    digest_days_kept: float = 35.0  # digests' TTL (pathway.digest.DIGEST_TTL)


@dataclass(frozen=True)
class Measured:
    units: dict[str, Unit]  # event name (``EVENTS``) -> unit cost
    item_bytes: dict[str, float]  # table suffix -> average item size
    gsis: dict[str, float]  # table suffix -> GSIs an item is in, on average
    # weekly risk digests queued per youth less than 6 months from majority (the digest's window)
    digests_per_near_majority_youth_week: float
    sms_segments: float  # parts billed per SMS
    email_bytes: float  # size of one email, attachments included
    memory_mb: dict[str, int]  # "jobs" / "api" -> configured Lambda memory
    schedules: dict[str, float]  # scheduled function -> invocations per month
    alarms: int = 0
    dashboards: int = 0
    arm64: bool = False  # the functions' architecture (.chalice/config.json)
    secrets: int = 1  # Secrets Manager secrets declared in infra/ (ack key, console OIDC client)
    web_acls: int = 0  # AWS WAF web ACLs declared in infra/ (each inspects every API request)
    waf_rules: int = 0  # their rules and rule groups, each billed by the month


EVENTS = (
    "idle_scan",  # one daily-scan run with nothing due (per run, all departments)
    "idle_dispatch",  # one dispatch run with nothing queued
    "idle_followups",  # one follow-up run with nothing due
    "idle_digest",  # one weekly-digest run with nobody at risk
    "upload",  # one weekly full upload (what does not depend on its size)
    "upload_row",  # one roster row of a weekly full upload, unchanged
    "upload_changed_row",  # what a changed row adds (diff read, batch write)
    "referral_created",  # the scan creating one referral (or invitation) and its message
    "message_queued",  # an alert, escalation or placement notice queued
    "reminder_queued",  # the follow-up job queuing one reminder
    "message_sent",  # dispatch sending one message (claim, provider, record)
    "digest_per_youth",  # the weekly digest, per youth stored
    "ack_view",  # GET /ack/{token}
    "ack_answer",  # POST /ack/{token}
    "ses_event",  # one SES delivery notification handled
)


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    quantity: float
    unit: str
    usd: float
    note: str = ""


@dataclass
class Estimate:
    lines: list[Line] = field(default_factory=list)
    volumes: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(line.usd for line in self.lines)


def load_prices(path: Path = PRICES_FILE) -> dict[str, float]:
    content = json.loads(path.read_text(encoding="utf-8"))
    return {name: float(entry["usd"]) for name, entry in content["prices"].items()}


def monthly_events(s: Scenario, m: Measured) -> dict[str, float]:
    """How often each event happens in a month, nationally."""
    ml = s.ml_referrals_per_year / 12
    partner = ml * (1 + s.housing_share)
    created = partner + ml * s.invitation_share
    reminders = partner * s.reminder_share
    queued = partner * s.escalation_share + ml * s.placement_share
    # Youths less than 6 months from majority: half a year's cohort. (The bench's synthetic
    # rosters spread ages evenly over 16–21, five times more of them near 18 than the national
    # cohort of ml_referrals_per_year: the rate is taken per near-majority youth, not per youth.)
    near_majority = s.ml_referrals_per_year * NEAR_MAJORITY_YEARS
    digests = m.digests_per_near_majority_youth_week * near_majority * WEEKS_PER_MONTH
    answered = partner * s.answered_share
    sent = created + reminders + queued + digests
    sms = (partner + reminders) * s.sms_share
    return {
        "idle_scan": m.schedules.get("daily_scan", 0.0),
        "idle_dispatch": m.schedules.get("dispatch", 0.0),
        "idle_followups": m.schedules.get("followups", 0.0),
        "idle_digest": m.schedules.get("weekly_digest", 0.0),
        "upload": s.departments * WEEKS_PER_MONTH,
        "upload_row": s.youths * WEEKS_PER_MONTH,
        "upload_changed_row": s.youths * s.weekly_changed_share * WEEKS_PER_MONTH,
        "referral_created": created,
        "message_queued": queued,
        "reminder_queued": reminders,
        "message_sent": sent,
        "digest_per_youth": s.youths * WEEKS_PER_MONTH,
        "ack_view": answered * s.views_per_answer,
        "ack_answer": answered,
        "ses_event": sent - sms,
        "sms": sms,
        "emails": sent - sms + partner * s.escalation_share,  # escalations: 2 recipients
        "digests": digests,
        "escalations": partner * s.escalation_share,
        "work_items": s.departments
        * (WORK_ITEMS_PER_DAY * DAYS_PER_MONTH + WORK_ITEMS_PER_WEEK * WEEKS_PER_MONTH),
    }


def _storage_gb(s: Scenario, m: Measured, events: dict[str, float]) -> dict[str, float]:
    def stored(table: str, items: float, gsis: float | None = None) -> float:
        per_item = m.item_bytes.get(table, 0.0) + ITEM_OVERHEAD_BYTES
        return items * per_item * (1 + (m.gsis.get(table, 0.0) if gsis is None else gsis)) / GB

    referrals_per_year = events["referral_created"] * 12
    messages_alive = (
        (events["message_sent"] - events["digests"]) * s.message_days_kept
        + events["digests"] * s.digest_days_kept
    ) / DAYS_PER_MONTH
    return {
        "youths": stored("youths", s.youths),
        "referrals": stored("referrals", referrals_per_year * s.referral_years_kept),
        "messages": stored("messages", messages_alive, gsis=0.0),  # dispatch-index: until sent
    }


def estimate(s: Scenario, m: Measured, prices: dict[str, float]) -> Estimate:
    events = monthly_events(s, m)
    counted = {name: events[name] for name in EVENTS}
    api_requests = (
        events["ack_view"]
        + events["ack_answer"]
        + events["upload"] * (1 + s.upload_status_polls)
        + s.departments * s.api_reads_per_department_per_week * WEEKS_PER_MONTH
    )
    invocations = (
        sum(m.schedules.values())
        + api_requests
        + events["upload"]
        + events["ses_event"]
        + events["work_items"]
    )
    rru = sum(n * m.units[name].rru for name, n in counted.items())
    wru = sum(n * m.units[name].wru for name, n in counted.items())
    gb_seconds = sum(
        n * m.units[name].seconds * m.memory_mb.get(m.units[name].function, 512) / 1024
        for name, n in counted.items()
    )
    log_gb = (
        sum(n * m.units[name].log_bytes for name, n in counted.items())
        + invocations * PLATFORM_LOG_BYTES
    ) / GB
    blobs = {name: n * m.units[name].emf_blobs for name, n in counted.items()}
    metric_hours = _metric_hours(blobs) + events["escalations"]
    sqs_requests = events["work_items"] * SQS_REQUESTS_PER_ITEM
    sqs_requests += WORK_QUEUES * IDLE_RECEIVES_PER_QUEUE
    storage = _storage_gb(s, m, events)
    p = prices
    arm, x86 = gb_seconds * p["lambda_gb_second_arm64"], gb_seconds * p["lambda_gb_second_x86"]
    lines = [
        Line("DynamoDB", "read request units", rru, "RRU",
             rru / 1e6 * p["dynamodb_read_request_unit_per_million"]),
        Line("DynamoDB", "write request units", wru, "WRU",
             wru / 1e6 * p["dynamodb_write_request_unit_per_million"], "GSI writes included"),
        Line("DynamoDB", "storage (tables + GSIs)", sum(storage.values()), "GB",
             sum(storage.values()) * p["dynamodb_storage_gb_month"],
             ", ".join(f"{t} {gb:.2f} GB" for t, gb in storage.items())),
        Line("Lambda", "requests", invocations, "invocations",
             invocations / 1e6 * p["lambda_requests_per_million"], "idle schedules included"),
        Line("Lambda", f"duration ({'arm64' if m.arm64 else 'x86'})", gb_seconds, "GB-s",
             arm if m.arm64 else x86, f"x86 would be ${x86:.2f}" if m.arm64 else
             f"arm64 would be ${arm:.2f}"),
        Line("SQS", "work queues (items, idle polling)", sqs_requests, "requests",
             sqs_requests / 1e6 * p["sqs_requests_per_million"],
             f"{events['work_items']:,.0f} work items; idle polling of {WORK_QUEUES} queues"),
        Line("API Gateway", "REST requests", api_requests, "requests",
             api_requests / 1e6 * p["api_gateway_rest_per_million"]),
        Line("S3", "PUT + GET (uploads)", events["upload"] * 2, "requests",
             events["upload"] * (p["s3_put_per_thousand"] + p["s3_get_per_thousand"]) / 1000,
             "files deleted once processed"),
        Line("SES", "emails (recipients)", events["emails"], "emails",
             events["emails"] / 1000 * p["ses_per_thousand_emails"]
             + events["emails"] * m.email_bytes / GB * p["ses_attachment_gb"]),
        Line("SNS", "SMS France (transactional)", events["sms"] * m.sms_segments, "parts",
             events["sms"] * m.sms_segments * p["sns_sms_france_transactional_per_message"],
             f"{m.sms_segments:.1f} part(s) per SMS"),
        Line("SNS", "SES event notifications", events["ses_event"], "notifications",
             events["ses_event"] / 1e6 * p["sns_notifications_per_million"]),
        Line("CloudWatch", "logs ingestion (JSON logs + EMF)", log_gb, "GB",
             log_gb * p["cloudwatch_logs_ingestion_gb"]),
        Line("CloudWatch", "custom metrics (EMF)", metric_hours, "metric-hours",
             metric_hours / HOURS_PER_MONTH * p["cloudwatch_custom_metric_month"],
             f"≤ ${sum(blobs.values()) / HOURS_PER_MONTH * p['cloudwatch_custom_metric_month']:.2f}"
             " if every EMF blob fell in an hour of its own"),
        Line("CloudWatch", "dashboards + alarms", m.dashboards + m.alarms, "resources",
             m.dashboards * p["cloudwatch_dashboard_month"]
             + m.alarms * p["cloudwatch_alarm_month"]),
        Line("Secrets Manager", "secrets + reads", m.secrets, "secrets",
             m.secrets * p["secrets_manager_secret_month"]
             + invocations * SECRET_CALLS_PER_INVOCATION / 10_000
             * p["secrets_manager_per_ten_thousand_calls"],
             "key cached per container"),
        waf_line(m, api_requests, p),
    ]  # fmt: skip
    return Estimate(lines=lines, volumes=events)


def waf_line(m: Measured, api_requests: float, p: dict[str, float]) -> Line:
    """AWS WAF: a fixed monthly fee per web ACL and per rule (whatever the traffic), plus every
    request each web ACL inspects (all of the API's, as it sits on the stage)."""
    inspected = api_requests * m.web_acls
    return Line("WAF", "web ACLs + rules + requests inspected", inspected, "requests",
                m.web_acls * p["waf_web_acl_month"] + m.waf_rules * p["waf_rule_month"]
                + inspected / 1e6 * p["waf_requests_per_million"],
                f"{m.web_acls} web ACL(s), {m.waf_rules} rule(s)")  # fmt: skip


def _metric_hours(blobs: dict[str, float]) -> float:
    """Metric-hours of the national series: each event's blobs capped by the hours they can
    fall in (events without a known pattern: one metric-hour per blob, an upper bound)."""
    return sum(
        min(n, METRIC_HOURS[name][0] * METRIC_HOURS[name][1]) if name in METRIC_HOURS else n
        for name, n in blobs.items()
    )


def total_without_sms(estimate: Estimate) -> float:
    return sum(line.usd for line in estimate.lines if "SMS" not in line.item)


def schedule_invocations(expression: str) -> float:
    """Invocations per month of an EventBridge ``rate(...)`` or ``cron(...)`` expression."""
    body = expression.strip()[expression.index("(") + 1 : -1].split()
    if expression.startswith("rate"):
        value, unit = float(body[0]), body[1].rstrip("s")
        minutes = value * {"minute": 1, "hour": 60, "day": 1440}[unit]
        return DAYS_PER_MONTH * 1440 / minutes
    minutes, hours, day_of_month, _, day_of_week = body[:5]
    per_day = _count(minutes, 60) * _count(hours, 24)
    if day_of_week not in ("?", "*"):
        return per_day * _count(day_of_week, 7) * WEEKS_PER_MONTH
    if day_of_month not in ("?", "*"):
        return per_day * _count(day_of_month, 31)
    return per_day * DAYS_PER_MONTH


def _count(value: str, span: int) -> int:
    """How many values a cron field takes (``*``, ``a/b``, lists, ranges, day names)."""
    if value in ("*", "?"):
        return span
    if "/" in value:
        start, step = value.split("/")
        return len(range(0 if start in ("*", "") else int(start), span, int(step)))
    total = 0
    for part in value.split(","):
        low, _, high = part.partition("-")
        total += _position(high) - _position(low) + 1 if high else 1
    return total


def _position(value: str) -> int:
    return DAY_NAMES.index(value.upper()) if value.upper() in DAY_NAMES else int(value)

"""From the bench's measurements to the cost model's unit costs (``cost_model.Measured``).

DynamoDB capacity is computed from what the meter saw, with AWS's rules: a read costs ½ RRU per
4 KB of items read (eventually consistent; the projected diff Query is billed on the whole
items it reads), at least ½ per request; a write 1 WRU per KB of the item, in the table and in
every GSI the item belongs to; twice that inside a transaction. Item sizes are the averages of
the items the product put during the bench (an update is billed on the item's size).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

from bench.cost_model import Measured, Unit, schedule_invocations
from bench.meter import Reading

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ITEM_BYTES = 300.0


def table_shapes(total: Reading) -> tuple[dict[str, float], dict[str, float]]:
    """Table suffix → (average item size, GSIs per item) from every put the meter saw."""
    sizes, gsis = {}, {}
    for table, puts in total.puts.items():
        if puts:
            suffix = table.rsplit("-", 1)[-1]
            sizes[suffix] = total.put_bytes[table] / puts
            gsis[suffix] = total.gsi_entries[table] / puts
    return sizes, gsis


def capacity(reading: Reading, sizes: dict[str, float], gsis: dict[str, float]) -> tuple:
    """(RRU, WRU) of what ``reading`` counted."""

    def shape(table: str) -> tuple[float, float]:
        suffix = table.rsplit("-", 1)[-1]
        return sizes.get(suffix, DEFAULT_ITEM_BYTES), gsis.get(suffix, 0.0)

    rru = 0.5 * reading.dynamodb_reads
    for table, items in reading.items_read.items():
        rru += 0.5 * items * shape(table)[0] / 4096
    wru = 0.0
    for table, items in reading.items_written.items():
        size, index_count = shape(table)
        in_transaction = reading.transact_items.get(table, 0)
        units = math.ceil(size / 1024) * (1 + index_count)
        wru += (items - in_transaction) * units + 2 * in_transaction * units
    for table, checks in reading.condition_checks.items():
        wru += 2 * checks * math.ceil(shape(table)[0] / 1024)
    return rru, wru


def _unit(
    reading: Reading,
    shapes: tuple[dict, dict],
    count: float,
    *,
    seconds: float = 0.0,
    log_bytes: float = 0.0,
    emf_blobs: float = 0.0,
    function: str = "jobs",
) -> Unit:
    rru, wru = capacity(reading, *shapes)
    n = max(count, 1e-9)
    return Unit(rru / n, wru / n, seconds / n, log_bytes / n, emf_blobs / n, function)


def _difference(a: Unit, b: Unit, count: float) -> Unit:
    """What ``a`` (a whole run) costs more than ``b``, per one of ``count`` occurrences."""
    n = max(count, 1e-9)
    return Unit(
        max(a.rru - b.rru, 0) / n,
        max(a.wru - b.wru, 0) / n,
        max(a.seconds - b.seconds, 0) / n,
        max(a.log_bytes - b.log_bytes, 0) / n,
        max(a.emf_blobs - b.emf_blobs, 0) / n,
        a.function,
    )


def lambda_memory() -> dict[str, int]:
    """Configured memory (MB) of the scheduled/event functions and of the API, prod stage."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    default = int(config.get("lambda_memory_size", 128))
    stage = config.get("stages", {}).get("prod", {})
    jobs = int(stage.get("lambda_memory_size", default))
    api = stage.get("lambda_functions", {}).get("api_handler", {}).get("lambda_memory_size", jobs)
    return {"jobs": jobs, "api": int(api)}


def lambda_architecture() -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    stage = config.get("stages", {}).get("prod", {})
    return str(stage.get("lambda_architecture", config.get("lambda_architecture", "x86_64")))


def schedules() -> dict[str, float]:
    """Scheduled function → invocations per month, from app.py's own schedule expressions."""
    from app import app

    return {
        source.name: schedule_invocations(source.schedule_expression.to_string())
        for source in app.event_sources
        if hasattr(source, "schedule_expression")
    }


def infra_counts() -> tuple[int, int, int]:
    """(alarms, dashboards, secrets) declared in infra/."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "infra").glob("*.y*ml"))
    alarms = len(re.findall(r"Type:\s*AWS::CloudWatch::Alarm\b", text))
    dashboards = len(re.findall(r"Type:\s*AWS::CloudWatch::Dashboard\b", text))
    secrets = len(re.findall(r"Type:\s*AWS::SecretsManager::Secret\b", text))
    return alarms, dashboards, secrets


class _TemplateLoader(yaml.SafeLoader):
    """CloudFormation YAML without its intrinsic functions' meaning: ``!Sub x`` reads as ``x``."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def waf_counts(infra: Path = ROOT / "infra") -> tuple[int, int]:
    """(web ACLs, rules in them) declared in infra/: AWS WAF bills each rule and each rule group
    by the month, so the count is read from the web ACLs' own ``Rules``."""
    acls = rules = 0
    for path in infra.glob("*.y*ml"):
        template = yaml.load(path.read_text(encoding="utf-8"), Loader=_TemplateLoader)
        for resource in (template or {}).get("Resources", {}).values():
            if resource.get("Type") == "AWS::WAFv2::WebACL":
                acls += 1
                rules += len(resource.get("Properties", {}).get("Rules", []))
    return acls, rules


def measured(total: Reading, idle: dict, scan: dict, roster: dict) -> Measured:
    shapes = table_shapes(total)
    units: dict[str, Unit] = {}
    for job in ("daily_scan", "dispatch", "followups", "weekly_digest"):
        run = idle[job]
        name = {"daily_scan": "idle_scan", "weekly_digest": "idle_digest"}.get(job, f"idle_{job}")
        units[name] = _unit(run["_reading"], shapes, 1, seconds=run["seconds"],
                            log_bytes=run["log_bytes"], emf_blobs=run["emf_blobs"])  # fmt: skip
    same, changed = roster["same_file_again"], roster["changed_2_percent"]
    same_run = _unit(roster["_same"], shapes, 1, seconds=same["seconds"],
                     log_bytes=same["log_bytes"])  # fmt: skip
    changed_run = _unit(roster["_changed"], shapes, 1, seconds=changed["seconds"],
                        log_bytes=changed["log_bytes"])  # fmt: skip
    units["upload"] = Unit(emf_blobs=float(changed["emf_blobs"]))
    rows = same["rows"]
    units["upload_row"] = Unit(*(v / rows for v in (same_run.rru, same_run.wru, same_run.seconds,
                                                    same_run.log_bytes, 0.0)))  # fmt: skip
    units["upload_changed_row"] = _difference(changed_run, same_run, changed["rows_changed"])
    scan_reading = scan["_scan_reading"]
    created = scan_reading.requests("dynamodb", {"TransactWriteItems"})
    units["referral_created"] = _unit(
        scan_reading, shapes, created, seconds=scan["scan"]["seconds"],
        log_bytes=scan["scan"]["log_bytes"], emf_blobs=scan["scan"]["emf_blobs"],
    )  # fmt: skip
    sample = scan["send"]["sample"]
    sent = sample["outcomes"].get("sent", 0)
    units["message_sent"] = _unit(
        scan["send"]["_reading"], shapes, sent, seconds=sample["seconds_per_message"] * sent,
        log_bytes=sample["log_bytes_per_message"] * sent, emf_blobs=sent,
    )  # fmt: skip
    reminders = scan["reminders"]
    units["reminder_queued"] = _unit(
        reminders["_reading"], shapes, reminders["reminders"],
        seconds=reminders["followup_seconds_per_reminder"] * reminders["reminders"],
        log_bytes=reminders["followup_log_bytes_per_reminder"] * reminders["reminders"],
        emf_blobs=reminders["reminders"],
    )  # fmt: skip
    message_size, message_gsis = shapes[0].get("messages", 0.0), shapes[1].get("messages", 0.0)
    units["message_queued"] = Unit(wru=math.ceil(message_size / 1024) * (1 + message_gsis))
    digest = roster["digest"]
    units["digest_per_youth"] = _unit(
        digest["_reading"], shapes, digest["youths_stored"], seconds=digest["seconds"],
        log_bytes=digest["log_bytes"],
    )  # fmt: skip
    ack = scan["ack"]
    for name, key in (("ack_view", "get"), ("ack_answer", "post")):
        reading, printed = ack[f"_{key}"]
        units[name] = _unit(reading, shapes, 1, seconds=ack[f"{key}_seconds"],
                            log_bytes=printed.bytes, emf_blobs=printed.emf_blobs,
                            function="api")  # fmt: skip
    event = scan["ses_event"]
    units["ses_event"] = _unit(event["_reading"], shapes, 1, seconds=event["seconds"],
                               log_bytes=event["_printed"].bytes)  # fmt: skip
    alarms, dashboards, secrets = infra_counts()
    web_acls, waf_rules = waf_counts()
    return Measured(
        units=units,
        item_bytes=shapes[0],
        gsis=shapes[1],
        digests_per_near_majority_youth_week=digest["digests_queued"]
        / max(digest["youths_read"], 1),
        sms_segments=sample["sms_segments"] / max(sample["sms"], 1),
        email_bytes=sample["email_bytes_per_email"],
        memory_mb=lambda_memory(),
        schedules=schedules(),
        alarms=alarms,
        dashboards=dashboards,
        arm64=lambda_architecture() == "arm64",
        secrets=secrets,
        web_acls=web_acls,
        waf_rules=waf_rules,
    )


def describe(m: Measured) -> dict[str, Any]:
    """The unit costs, rounded, for the JSON output."""
    return {
        "units": {name: {k: round(v, 6) if isinstance(v, float) else v
                         for k, v in vars(unit).items()} for name, unit in m.units.items()},
        "item_bytes": {k: round(v) for k, v in m.item_bytes.items()},
        "gsis_per_item": {k: round(v, 2) for k, v in m.gsis.items()},
        "digests_per_near_majority_youth_week": round(m.digests_per_near_majority_youth_week, 4),
        "sms_segments": round(m.sms_segments, 2),
        "email_bytes": round(m.email_bytes),
        "memory_mb": m.memory_mb,
        "schedules_per_month": {k: round(v, 1) for k, v in m.schedules.items()},
        "alarms": m.alarms,
        "dashboards": m.dashboards,
        "arm64": m.arm64,
        "secrets": m.secrets,
        "web_acls": m.web_acls,
        "waf_rules": m.waf_rules,
    }  # fmt: skip

"""The scheduled jobs run once, exactly as on AWS: for ``jobs run``, ``make run`` and the tests.

On AWS a schedule's Lambda only enqueues per-department work (``fanout.schedule``) and worker
Lambdas take it from SQS (``fanout.worker``). Here each job does the same two steps in one call:
the fan-out enqueues on the embedded endpoint's queues, then the local pump hands every queued
item to the worker handler ``app.py`` declares, until the queue is empty. ``now`` stands in for
the clock of the whole run (``domain.clock.stands_at``), the workers' included. The summary
is what the workers counted. Items a worker reported failed stay on the queue (retried after its
visibility timeout, as Lambda would) and the job raises ``WorkItemsError`` at the end.
"""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import datetime
from types import ModuleType
from typing import Any

from chalicelib import aws, runs, settings
from chalicelib.domain import clock
from chalicelib.fanout import catalog, schedule, work
from chalicelib.observability import logger


class WorkItemsError(runs.JobItemsError):
    """Some work items failed in this run (they stay queued; the next run retries them)."""


def run_job(name: str, now: datetime | None = None) -> dict[str, int]:
    """Fan ``name`` out, then drain its queue through app.py's worker; return its counts."""
    now = now or clock.utcnow()
    with clock.stands_at(now):
        schedule.fan_out(name, now)
        drained = drain_work(entry_points(), catalog.job(name).queue)
    totals = drained.totals.get(name, Counter())
    if drained.failed:
        logger.info("work items failed", extra={"job": name, "failed": drained.failed})
        raise WorkItemsError(f"{drained.failed} work item(s) failed; the next run retries")
    return dict(totals)


def entry_points() -> ModuleType:
    """``app.py``, the module whose handlers the pump calls (the CLI runs from the repo root)."""
    return importlib.import_module("app")


class Drained:
    """What the workers did while a work queue was drained."""

    def __init__(self) -> None:
        self.handled = 0
        self.failed = 0
        self.totals: dict[str, Counter[str]] = {}

    def add(self, response: dict[str, Any]) -> None:
        self.handled += 1
        self.failed += len(response.get("batchItemFailures") or [])
        for job, counts in (response.get("totals") or {}).items():
            self.totals.setdefault(job, Counter()).update(counts)


def drain_work(app_module: Any, queue: str) -> Drained:
    """Hand every work item of ``queue`` (``work.JOBS`` or ``work.SENDS``) to its worker, one
    item per invocation as the event source mappings do (batch size 1), until the queue is empty
    (continuations included)."""
    handler = app_module.send_worker if queue == work.SENDS else app_module.job_worker
    sqs, url = aws.client("sqs"), work.queue_url(queue)
    arn = f"arn:aws:sqs:{settings.current().region}:000000000000:{work.queue_name(queue)}"
    outcome = Drained()
    for message in aws.queued_messages(url):
        response = handler({"Records": [sqs_record(message, arn)]}, None) or {}
        outcome.add(response)
        if not response.get("batchItemFailures"):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return outcome


def sqs_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    """One SQS message as a record of Lambda's SQS event (what Chalice's ``SQSEvent`` reads)."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": settings.current().region,
    }


def daily_scan(now: datetime | None = None) -> dict:
    return run_job("scan", now)


def dispatch_messages(now: datetime | None = None) -> dict:
    return run_job("dispatch", now)


def follow_up(now: datetime | None = None) -> dict:
    return run_job("followups", now)


def weekly_digest(now: datetime | None = None) -> dict:
    return run_job("digest", now)


def alert_digest(now: datetime | None = None) -> dict:
    return run_job("alerts", now)


def take_up_uploads(now: datetime | None = None) -> dict:
    return run_job("uploads", now)


class JobsError(Exception):
    """At least one job failed (each job still ran, as independent Lambdas would)."""

    def __init__(self, failed: list[str], summary: dict) -> None:
        super().__init__(f"job(s) failed: {', '.join(failed)}; the next run retries")
        self.summary = summary


def run_all(now: datetime) -> dict:
    """Every job once, in order. Dispatch runs again last so that what the follow-ups and the
    digests queued (reminders, escalations, the alert digest, risk digests, placement notices) goes
    out in the same run, as the next dispatch would. The alert digest is once a day and the risk
    digest once a week by construction (their message ids hold the day / the week).
    A failing job does not stop the next ones (on AWS they are separate Lambdas); ``JobsError``
    is raised at the end."""
    summary: dict = {"now": now.isoformat()}
    failed: list[str] = []
    steps = (
        ("uploads", take_up_uploads),
        ("scan", daily_scan),
        ("dispatch", dispatch_messages),
        ("followups", follow_up),
        ("digest", weekly_digest),
        ("alert_digest", alert_digest),
        ("dispatch_after_followups", dispatch_messages),
    )
    for name, job in steps:
        try:
            summary[name] = job(now)
        except Exception as error:
            summary[name] = {"error": type(error).__name__}
            failed.append(name)
    logger.info("jobs run", extra={"now": summary["now"], "failed": failed})
    if failed:
        raise JobsError(failed, summary)
    return summary

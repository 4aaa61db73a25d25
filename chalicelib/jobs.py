"""The scheduled jobs run once, exactly as on AWS: for ``jobs run``, ``make run`` and the tests.

On AWS a schedule's Lambda only enqueues per-department work (``fanout.schedule``) and worker
Lambdas take it from SQS (``fanout.worker``). Here each job does the same two steps in one call:
the fan-out enqueues on the embedded endpoint's queues, then the local pump hands every queued
item to the worker handler ``app.py`` declares, until the queue is empty. ``now`` stands in for
the clock of the whole run (``store.base.clock_stands_at``), the workers' included. The summary
is what the workers counted. Items a worker reported failed stay on the queue (retried after its
visibility timeout, as Lambda would) and the job raises ``WorkItemsError`` at the end.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib import runs
from chalicelib.fanout import catalog, schedule
from chalicelib.local import pump
from chalicelib.observability import logger
from chalicelib.store.base import clock_stands_at, utcnow


class WorkItemsError(runs.JobItemsError):
    """Some work items failed in this run (they stay queued; the next run retries them)."""


def run_job(name: str, now: datetime | None = None) -> dict:
    """Fan ``name`` out, then drain its queue through app.py's worker; return its counts."""
    now = now or utcnow()
    with clock_stands_at(now):
        schedule.fan_out(name, now)
        drained = pump.drain_work(pump.entry_points(), catalog.job(name).queue)
    totals = drained.totals.get(name, Counter())
    if drained.failed:
        logger.info("work items failed", extra={"job": name, "failed": drained.failed})
        raise WorkItemsError(f"{drained.failed} work item(s) failed; the next run retries")
    return dict(totals)


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

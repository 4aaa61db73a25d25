"""The scheduled jobs, callable from their Lambda handlers and from ``jobs run``."""

from __future__ import annotations

from datetime import datetime

from chalicelib.alerts import digest as alerts_digest
from chalicelib.delivery import dispatch
from chalicelib.observability import logger
from chalicelib.pathway import digest
from chalicelib.referrals import followups
from chalicelib.scheduling import scan
from chalicelib.store.base import utcnow


def daily_scan(now: datetime | None = None) -> dict:
    return scan.run(now or utcnow())


def dispatch_messages(now: datetime | None = None) -> dict:
    return dispatch.run(now or utcnow())


def follow_up(now: datetime | None = None) -> dict:
    return followups.run(now or utcnow())


def alert_digest(now: datetime | None = None) -> dict:
    return alerts_digest.run(now or utcnow())


def weekly_digest(now: datetime | None = None) -> dict:
    return digest.run(now or utcnow())


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

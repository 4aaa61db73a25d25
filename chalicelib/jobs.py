"""The scheduled jobs, callable from their Lambda handlers and from ``jobs run``."""

from __future__ import annotations

from datetime import datetime

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


def weekly_digest(now: datetime | None = None) -> dict:
    return digest.run(now or utcnow())


def run_all(now: datetime) -> dict:
    """Every job once, in order. Dispatch runs again last so that what the follow-ups and the
    weekly digest queued (reminders, escalations, alerts, digests, placement notices) goes out in
    the same run, as the next dispatch would. The digest is once a week by construction."""
    summary = {
        "now": now.isoformat(),
        "scan": daily_scan(now),
        "dispatch": dispatch_messages(now),
        "followups": follow_up(now),
        "digest": weekly_digest(now),
    }
    summary["dispatch_after_followups"] = dispatch_messages(now)
    logger.info("jobs run", extra={"now": summary["now"]})
    return summary

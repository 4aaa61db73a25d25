"""The jobs that fan out: for each, its queue, how to run one department's batch, and (for the
frequent ones) a cheap probe so that an idle schedule enqueues nothing.

A job's ``run(department, now, cursor)`` returns its counts (``error``: items left for the next
run) and the cursor of the department's next batch, or ``None`` when the department is done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.stored import StoredDepartment
from chalicelib.fanout.work import JOBS, SENDS
from chalicelib.lazy import lazy

# Loaded on first use: the schedule functions only enqueue, they never load the job code.
scan = lazy("chalicelib.referrals.scan")
dispatch = lazy("chalicelib.delivery.dispatch")
followups = lazy("chalicelib.referrals.followups")
digest = lazy("chalicelib.pathway.digest")
alert_digest = lazy("chalicelib.alerts.digest")
uploads = lazy("chalicelib.roster.uploads")

Cursor = dict[str, Any] | None
Run = Callable[[StoredDepartment, datetime, Cursor], tuple[Counter[str], Cursor]]


@dataclass(frozen=True)
class Job:
    name: str
    queue: str
    run: Run
    has_work: Callable[[str, datetime], bool] | None = None  # None: every department, always


def _scan(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return scan.run_department(department, now, cursor)


def _dispatch(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return dispatch.run_department(department, now, cursor)


def _followups(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return followups.run_department(department, now, cursor)


def _digest(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return digest.run_department(department, now), None  # one Query of the next 6 months


def _alerts(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return alert_digest.run_department(department, now), None  # one email a day at most


def _uploads(
    department: StoredDepartment, now: datetime, cursor: Cursor
) -> tuple[Counter[str], Cursor]:
    return uploads.take_up(department.code, now), None  # a few a run: the next run goes on


def _uploads_have_work(code: str, now: datetime) -> bool:
    return bool(uploads.has_stuck(code, now))


def _scan_has_work(code: str, now: datetime) -> bool:
    return bool(scan.has_work(code, now))


def _dispatch_has_work(code: str, now: datetime) -> bool:
    return bool(dispatch.has_work(code, now))


def _followups_has_work(code: str, now: datetime) -> bool:
    return bool(followups.has_work(code, now))


JOBS_BY_NAME: dict[str, Job] = {
    job.name: job
    for job in (
        Job("scan", JOBS, _scan, _scan_has_work),
        Job("dispatch", SENDS, _dispatch, _dispatch_has_work),
        Job("followups", JOBS, _followups, _followups_has_work),
        Job("digest", JOBS, _digest),
        Job("alerts", JOBS, _alerts),
        Job("uploads", JOBS, _uploads, _uploads_have_work),
    )
}


def job(name: str) -> Job:
    return JOBS_BY_NAME[name]

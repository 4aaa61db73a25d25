"""What a schedule (or a roster upload) does: enqueue one work item per department.

Run by the EventBridge-scheduled Lambdas: one Scan of ``departments`` (101 items), at most one
one-item Query per department for the frequent jobs (nothing is enqueued for an idle department),
then SendMessageBatch by tens — about 120 requests, whatever the country's size.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.departments import service as departments
from chalicelib.domain.clock import utcnow
from chalicelib.fanout import catalog
from chalicelib.fanout.work import WorkItem, enqueue
from chalicelib.observability import logger


def fan_out(name: str, now: datetime | None = None) -> dict:
    """Enqueue ``name`` for every department that has work for it; return the counts."""
    job = catalog.job(name)
    now = now or utcnow()
    codes = [department.code for department in departments.all_departments()]
    busy = [code for code in codes if job.has_work is None or job.has_work(code, now)]
    enqueue(job.queue, [WorkItem(name, code) for code in busy])
    counts = {"departments": len(codes), "enqueued": len(busy)}
    logger.info("work enqueued", extra={"job": name, **counts})
    return counts


def enqueue_department(name: str, code: str) -> None:
    """Ask for ``name`` on one department now (a roster upload asks for its scan)."""
    enqueue(catalog.job(name).queue, [WorkItem(name, code)])

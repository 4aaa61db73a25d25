"""The worker Lambdas: run each SQS work item, report the ones that failed.

Partial batch response (the event source mapping has ``ReportBatchItemFailures``, see
infra/resources.yaml): only the failed items come back to the queue, after its visibility timeout,
and go to its dead-letter queue after ``maxReceiveCount`` receptions; one department's failure
never holds back another's. An item fails when its job raised, or when some of its entries could
not be processed (they stay due: the retry takes them again, the others are idempotent).
``totals`` (ignored by Lambda) lets ``jobs run`` print what the workers did.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib.departments import service as departments
from chalicelib.domain.clock import utcnow
from chalicelib.fanout import catalog
from chalicelib.fanout.work import WorkItem, enqueue
from chalicelib.observability import log_failure, logger


def handle(event: Any) -> dict:
    """``event``: Chalice's ``SQSEvent``. Returns Lambda's partial batch response."""
    failures: list[dict[str, str]] = []
    totals: dict[str, Counter] = {}
    for record in event:
        raw = record.to_dict()
        try:
            item = WorkItem.from_body(record.body)
            counts = run(item, first_delivery=_first_delivery(raw))
        except Exception as error:
            log_failure("work item failed", error, message_id=raw.get("messageId", ""))
            failures.append({"itemIdentifier": raw["messageId"]})
            continue
        totals.setdefault(item.job, Counter()).update(counts)
        if counts.get("error"):
            failures.append({"itemIdentifier": raw["messageId"]})
    return {"batchItemFailures": failures, "totals": {k: dict(v) for k, v in totals.items()}}


def _first_delivery(raw: dict[str, Any]) -> bool:
    """SQS hands a failed item back up to 5 times with the same cursor: only its first delivery
    enqueues the next batch, else each retry would queue the rest of the department again."""
    return str((raw.get("attributes") or {}).get("ApproximateReceiveCount", "1")) == "1"


def run(item: WorkItem, *, first_delivery: bool = True) -> Counter:
    """One department's batch; the next batch (if any) is enqueued before returning."""
    job = catalog.job(item.job)
    department = departments.get(item.department)
    counts, cursor = job.run(department, utcnow(), item.cursor)
    if cursor and first_delivery:
        enqueue(job.queue, [WorkItem(item.job, item.department, cursor)])
        counts["batches_continued"] += 1
    if item.job == "scan" and counts.get("youths_read"):
        # what the scan queued (referrals, invitations, alerts) goes out now, not at the next
        # dispatch schedule
        enqueue(catalog.job("dispatch").queue, [WorkItem("dispatch", item.department)])
    logger.info(
        "work item done",
        extra={"job": item.job, "department": item.department, "counts": dict(counts)},
    )
    return counts

"""Work items: one department's share of a job, as an SQS message body (no personal data).

A schedule (or a roster upload) enqueues one ``WorkItem`` per department; a worker Lambda runs it
at its own time (an item retried later sees the later time) and, past a batch size, enqueues the
next batch of the same department (``cursor``: the DynamoDB key to resume after). Two queues:
``jobs`` (scan, follow-ups, digests) and ``sends`` (dispatch, at most ``SEND_WORKERS`` at once so
that the SES sending rate can be shared).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib import aws, refs, settings

JOBS, SENDS = "jobs", "sends"
SQS_BATCH = 10  # SendMessageBatch takes at most 10 entries


# The due-index cursor of the scan holds a youth's file number (its table key): sealed on the
# queue, opened by the worker
_FILE_NUMBER, _SEALED = "id_externe", "youth_ref"


def _sealed(department: str, cursor: dict[str, Any]) -> dict[str, Any]:
    if _FILE_NUMBER not in cursor:
        return cursor
    rest = {k: v for k, v in cursor.items() if k != _FILE_NUMBER}
    return {**rest, _SEALED: refs.youth_ref(department, cursor[_FILE_NUMBER]["S"])}


def _opened(department: str, cursor: dict[str, Any] | None) -> dict[str, Any] | None:
    if not cursor or _SEALED not in cursor:
        return cursor
    rest = {k: v for k, v in cursor.items() if k != _SEALED}
    return {**rest, _FILE_NUMBER: {"S": refs.youth_id(department, cursor[_SEALED])}}


class EnqueueError(Exception):
    """SQS refused some work items (after botocore's retries): the caller's run fails."""


@dataclass(frozen=True)
class WorkItem:
    job: str
    department: str
    cursor: dict[str, Any] | None = field(default=None)  # DynamoDB key to resume after

    def body(self) -> str:
        content: dict[str, Any] = {"job": self.job, "department": self.department}
        if self.cursor:
            content["cursor"] = _sealed(self.department, self.cursor)
        return json.dumps(content, sort_keys=True)

    @classmethod
    def from_body(cls, body: str) -> WorkItem:
        content = json.loads(body)
        return cls(
            job=str(content["job"]),
            department=str(content["department"]),
            cursor=_opened(str(content["department"]), content.get("cursor") or None),
        )


def queue_name(queue: str) -> str:
    current = settings.current()
    return current.sends_queue if queue == SENDS else current.jobs_queue


_urls: dict[tuple[str, str | None], str] = {}


def queue_url(queue: str) -> str:
    name = queue_name(queue)
    key = (name, settings.current().endpoint_url)
    if key not in _urls:
        _urls[key] = aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
    return _urls[key]


def enqueue(queue: str, items: Iterable[WorkItem]) -> int:
    """Send the items in batches of 10; raise ``EnqueueError`` if SQS refused any."""
    pending = list(items)
    url = queue_url(queue)
    for start in range(0, len(pending), SQS_BATCH):
        chunk = pending[start : start + SQS_BATCH]
        entries = [{"Id": str(n), "MessageBody": item.body()} for n, item in enumerate(chunk)]
        answer = aws.client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
        if answer.get("Failed"):
            codes = sorted({failure.get("Code", "?") for failure in answer["Failed"]})
            raise EnqueueError(f"{len(answer['Failed'])} work item(s) refused: {codes}")
    return len(pending)

"""The local event pump: what Lambda triggers do on AWS, for the embedded endpoint.

moto delivers S3 upload events and SES delivery events (through SNS) to SQS queues (see
``provisioning``); the jobs' work items are on their own SQS queues, as on AWS. The pump receives
each message and hands it, in the Lambda event format, to the very handler ``app.py`` declares,
then deletes it — except the work items a worker reported failed: like Lambda, it leaves them on
the queue, to come back after the queue's visibility timeout.

As on AWS, the jobs worker and the send workers run at the same time: the sends of a scan's first
batch go out while its next batches are read, and ``SEND_WORKERS`` send workers (the event source
mapping's maximum concurrency) each take their share of the sending rate. Run one after the other,
a department's first morning took the sum of the two, at half the sending rate.
"""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib import aws, jobs, settings
from chalicelib.fanout import SEND_WORKERS, work
from chalicelib.observability import log_failure, logger
from chalicelib.provisioning import LOCAL_S3_QUEUE, LOCAL_SES_QUEUE

IDLE_POLL_SECONDS = 0.2  # a send worker with nothing queued looks again while the jobs run


def drain(app_module: Any) -> int:
    """Deliver every queued event and work item once; return how many were handled."""
    prefix = settings.current().table_prefix
    handled = _drain_queue(f"{prefix}-{LOCAL_S3_QUEUE}", app_module.roster_upload_received, _s3)
    handled += _drain_queue(f"{prefix}-{LOCAL_SES_QUEUE}", app_module.ses_events, _sns)
    jobs_done = threading.Event()

    def jobs_worker() -> int:
        try:
            return jobs.drain_work(app_module, work.JOBS).handled
        finally:
            jobs_done.set()

    with ThreadPoolExecutor(1 + SEND_WORKERS, thread_name_prefix="local-worker") as pool:
        # each worker sees the caller's clock (``domain.clock.stands_at``), as jobs.run_job's do
        running = [pool.submit(contextvars.copy_context().run, jobs_worker)]
        running += [
            pool.submit(contextvars.copy_context().run, _send_worker, app_module, jobs_done)
            for _ in range(SEND_WORKERS)
        ]
        return handled + sum(future.result() for future in running)


def _send_worker(app_module: Any, jobs_done: threading.Event) -> int:
    """One send worker: one work item at a time (the sends' batch size), until the sends queue
    is empty and the jobs (which queue sends) are done."""
    sqs, url = aws.client("sqs"), work.queue_url(work.SENDS)
    arn = f"arn:aws:sqs:{settings.current().region}:000000000000:{work.queue_name(work.SENDS)}"
    handled = 0
    while True:
        final = jobs_done.is_set()  # the jobs queue no more sends: an empty queue now is the end
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0)
        if not answer.get("Messages"):
            if final:
                return handled
            jobs_done.wait(IDLE_POLL_SECONDS)
            continue
        message = answer["Messages"][0]
        response = app_module.send_worker({"Records": [jobs.sqs_record(message, arn)]}, None)
        handled += 1
        if not (response or {}).get("batchItemFailures"):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _s3(body: dict[str, Any]) -> dict[str, Any] | None:
    return body if body.get("Records") else None  # skips s3:TestEvent


def _sns(body: dict[str, Any]) -> dict[str, Any] | None:
    if body.get("Type") != "Notification":
        return None
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": body.get("TopicArn", "") + ":local",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": body.get("MessageId"),
                    "TopicArn": body.get("TopicArn"),
                    "Subject": body.get("Subject"),
                    "Message": body.get("Message"),
                    "Timestamp": body.get("Timestamp"),
                    "MessageAttributes": body.get("MessageAttributes") or {},
                },
            }
        ]
    }


ToEvent = Callable[[dict[str, Any]], dict[str, Any] | None]


def _drain_queue(name: str, handler: Callable[..., Any], to_event: ToEvent) -> int:
    """Hand each queued message to ``handler``. A poison message (not JSON, not an object, or one
    the handler fails on) is logged and dropped, as Lambda would after its retries: the local loop
    of ``make run`` goes on."""
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    handled = 0
    for message in aws.queued_messages(url):
        handled += _deliver(message.get("Body"), handler, to_event, queue=name)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return handled


def _deliver(
    raw: object,
    handler: Callable[..., Any],
    to_event: ToEvent,
    *,
    queue: str,
) -> int:
    try:
        body = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        body = None
    event = to_event(body) if isinstance(body, dict) else None
    if event is None:
        logger.warning("local event dropped", extra={"queue": queue})
        return 0
    try:
        handler(event, None)
    except Exception as error:
        log_failure("local event failed and dropped", error, queue=queue)
        return 0
    return 1

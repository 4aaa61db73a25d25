"""The local event pump: what Lambda triggers do on AWS, for the embedded endpoint.

moto delivers S3 upload events and SES delivery events (through SNS) to SQS queues (see
``provisioning``); the jobs' work items are on their own SQS queues, as on AWS. The pump receives
each message and hands it, in the Lambda event format, to the very handler ``app.py`` declares,
then deletes it — except the work items a worker reported failed: like Lambda, it leaves them on
the queue, to come back after the queue's visibility timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib import aws, jobs, settings
from chalicelib.fanout import work
from chalicelib.observability import log_failure, logger
from chalicelib.provisioning import LOCAL_S3_QUEUE, LOCAL_SES_QUEUE


def drain(app_module: Any) -> int:
    """Deliver every queued event and work item once; return how many were handled."""
    prefix = settings.current().table_prefix
    handled = _drain_queue(f"{prefix}-{LOCAL_S3_QUEUE}", app_module.roster_upload_received, _s3)
    handled += _drain_queue(f"{prefix}-{LOCAL_SES_QUEUE}", app_module.ses_events, _sns)
    for queue in (work.JOBS, work.SENDS):
        outcome = jobs.drain_work(app_module, queue)
        handled += outcome.handled
    return handled


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

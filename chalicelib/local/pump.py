"""The local event pump: what Lambda triggers do on AWS, for the embedded endpoint.

moto delivers S3 upload events and SES delivery events (through SNS) to SQS queues (see
``provisioning``); the jobs' work items are on their own SQS queues, as on AWS. The pump receives
each message and hands it, in the Lambda event format, to the very handler ``app.py`` declares,
then deletes it — except the work items a worker reported failed: like Lambda, it leaves them on
the queue, to come back after the queue's visibility timeout.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable
from types import ModuleType
from typing import Any

from chalicelib import aws, settings
from chalicelib.fanout import work
from chalicelib.provisioning import LOCAL_S3_QUEUE, LOCAL_SES_QUEUE


def entry_points() -> ModuleType:
    """``app.py``, the module whose handlers the pump calls (the CLI runs from the repo root)."""
    return importlib.import_module("app")


def drain(app_module: Any) -> int:
    """Deliver every queued event and work item once; return how many were handled."""
    prefix = settings.current().table_prefix
    handled = _drain_queue(f"{prefix}-{LOCAL_S3_QUEUE}", app_module.roster_upload_received, _s3)
    handled += _drain_queue(f"{prefix}-{LOCAL_SES_QUEUE}", app_module.ses_events, _sns)
    for queue in (work.JOBS, work.SENDS):
        outcome = drain_work(app_module, queue)
        handled += outcome.handled
    return handled


class Drained:
    """What the workers did while a work queue was drained."""

    def __init__(self) -> None:
        self.handled = 0
        self.failed = 0
        self.totals: dict[str, Counter] = {}

    def add(self, response: dict) -> None:
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
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = batch.get("Messages", [])
        if not messages:
            return outcome
        for message in messages:
            response = handler({"Records": [sqs_record(message, arn)]}, None) or {}
            outcome.add(response)
            if not response.get("batchItemFailures"):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def sqs_record(message: dict, arn: str) -> dict:
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


def _s3(body: dict) -> dict | None:
    return body if body.get("Records") else None  # skips s3:TestEvent


def _sns(body: dict) -> dict | None:
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


def _drain_queue(name: str, handler: Callable, to_event: Callable[[dict], dict | None]) -> int:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    handled = 0
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = batch.get("Messages", [])
        if not messages:
            return handled
        for message in messages:
            event = to_event(json.loads(message["Body"]))
            if event is not None:
                handler(event, None)
                handled += 1
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

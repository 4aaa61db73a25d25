"""The local event pump: what Lambda triggers do on AWS, for the embedded endpoint.

moto delivers S3 upload events and SES delivery events (through SNS) to SQS queues (see
``provisioning``); the pump hands each one, in the Lambda event format, to the very handler
``app.py`` declares.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib import aws, settings
from chalicelib.provisioning import LOCAL_S3_QUEUE, LOCAL_SES_QUEUE


def drain(app_module: Any) -> int:
    """Deliver every queued event once; return how many were handled."""
    prefix = settings.current().table_prefix
    handled = _drain_queue(f"{prefix}-{LOCAL_S3_QUEUE}", app_module.roster_upload_received, _s3)
    handled += _drain_queue(f"{prefix}-{LOCAL_SES_QUEUE}", app_module.ses_events, _sns)
    return handled


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

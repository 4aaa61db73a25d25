"""Delivery events as SES publishes them, and their way in through SNS and the local pump."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import app as application
from chalicelib import aws, settings
from chalicelib.domain import clock
from chalicelib.local import pump
from chalicelib.store.models import Message

SENT_AT = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Lille


def ses_event(kind: str, message: Message, at: datetime, **section: object) -> dict:
    """A configuration-set event as SES publishes it to SNS."""
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mail = {
        "timestamp": SENT_AT.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "source": settings.current().ses_sender,
        "messageId": message.provider_id,
        "destination": list(message.recipients),
        "tags": {
            "ses:configuration-set": [settings.current().ses_configuration_set],
            "relais_message": [message.message_id],
        },
    }
    details: dict = {"timestamp": stamp, **section}
    if kind == "Bounce":
        details.setdefault(
            "bouncedRecipients",
            [{"emailAddress": message.recipients[0], "action": "failed", "status": "5.1.1"}],
        )
    return {"eventType": kind, "mail": mail, kind.lower(): details}


def publish(body: object, now: datetime | None = None) -> int:
    """Publish a raw message on the SES events topic; the local pump hands it to the handler,
    at ``now`` when given (the handler judges an event's date against the clock). Returns how
    many events the pump handled."""
    sns = aws.client("sns")
    topic = sns.create_topic(Name=settings.current().ses_events_topic)["TopicArn"]
    sns.publish(TopicArn=topic, Message=body if isinstance(body, str) else json.dumps(body))
    with clock.stands_at(now) if now else contextlib.nullcontext():
        return pump.drain(application)


def queue_raw(queue: str, body: str) -> None:
    """Put a raw body on one of the local event queues (what a broken producer could send)."""
    sqs = aws.client("sqs")
    name = f"{settings.current().table_prefix}-{queue}"
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"], MessageBody=body)

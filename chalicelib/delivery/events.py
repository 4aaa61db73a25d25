"""SES delivery events (bounce, complaint, delivery) arriving through SNS (SPEC §4, §6).

Each event names our message through the ``relais_message`` tag set at send time. A hard bounce
makes the message undeliverable (then the partner's other channel, or an alert); a soft bounce is
recorded and the message retried; events older than the last one applied are ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError

from chalicelib.delivery import outcomes
from chalicelib.departments import service as departments
from chalicelib.domain.clock import iso, utcnow
from chalicelib.observability import emit, logger
from chalicelib.referrals import lifecycle
from chalicelib.store.models import Message

TAG = "relais_message"


def handle(raw_message: str) -> str:
    try:
        event = json.loads(raw_message)
    except (TypeError, ValueError):
        logger.warning("SES event is not JSON")
        return "ignored"
    kind = event.get("eventType") or event.get("notificationType") or ""
    mail = event.get("mail") or {}
    message_id = ((mail.get("tags") or {}).get(TAG) or [None])[0]
    if not message_id:
        return "ignored"
    try:
        message = Message.get(message_id)
    except Message.DoesNotExist:
        return "ignored"
    at = _timestamp(event, kind) or utcnow()
    if message.last_event_at and message.last_event_at >= iso(at):
        return "stale"
    if kind == "Bounce":
        department = departments.get(message.department)
        bounce = event.get("bounce") or {}
        emit("Bounces", 1, department=department.code)
        if bounce.get("bounceType") == "Permanent":
            _note(message, at, "bounce_permanent")
            outcomes.hard_bounce(department, message, at)
            return "undeliverable"
        _note(message, at, "bounce_transient")
        outcomes.soft_bounce(department, message, at)
        return "retry"
    if kind == "Complaint":
        emit("Complaints", 1, department=message.department)
        _note(message, at, "complaint")
        return "complaint"
    if kind == "Delivery":
        _note(message, at, "delivered")
        return "delivered"
    return "ignored"


def _timestamp(event: dict, kind: str) -> datetime | None:
    section = event.get(kind.lower()) or {}
    text = section.get("timestamp") or (event.get("mail") or {}).get("timestamp")
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _note(message: Message, at: datetime, what: str) -> None:
    try:
        message.update(
            actions=[
                Message.last_event_at.set(iso(at)),
                Message.history.set(Message.history.append([lifecycle.entry(what, at)])),
            ],
            condition=Message.last_event_at.does_not_exist() | (Message.last_event_at < iso(at)),
        )
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):
            raise

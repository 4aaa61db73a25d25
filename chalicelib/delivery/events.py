"""SES delivery events (bounce, complaint, delivery) arriving through SNS (SPEC §4, §6).

Each event names our message through the ``relais_message`` tag set at send time. A hard bounce
makes the message undeliverable (then the partner's other channel, or an alert); a soft bounce is
recorded and the message retried; events older than the last one applied are ignored. An event
arriving after the partner answered is only recorded: answers win. A malformed body (not JSON,
not an object, fields of the wrong type) is logged and dropped, never raised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.delivery import outcomes
from chalicelib.departments import service as departments
from chalicelib.domain.clock import iso, utcnow
from chalicelib.observability import emit, logger
from chalicelib.store import messages as message_store
from chalicelib.store.messages import Message

TAG = "relais_message"
KINDS = ("Bounce", "Complaint", "Delivery")


@dataclass(frozen=True)
class DeliveryEvent:
    kind: str  # one of KINDS
    message_id: str
    at: datetime | None
    permanent: bool  # a hard bounce


def handle(raw_message: object) -> str:
    event = parse(raw_message)
    if event is None:
        return "ignored"
    message = message_store.get(event.message_id)
    if message is None:
        return "ignored"
    at = event.at or utcnow()
    if message.last_event_at and message.last_event_at >= iso(at):
        return "stale"
    if event.kind == "Bounce":
        return _bounce(message, event, at)
    if event.kind == "Complaint":
        emit("Complaints", 1, department=message.department)
        message_store.note_event(message, at, "complaint")
        return "complaint"
    message_store.note_event(message, at, "delivered")
    return "delivered"


def parse(raw_message: object) -> DeliveryEvent | None:
    """The event we act on, or None (logged) for anything else."""
    try:
        body = json.loads(raw_message) if isinstance(raw_message, str | bytes) else None
    except ValueError:
        body = None
    if not isinstance(body, Mapping):
        logger.warning("SES event dropped: not a JSON object")
        return None
    kind = _text(body.get("eventType")) or _text(body.get("notificationType"))
    message_id = _tag(body.get("mail"))
    if kind not in KINDS or not message_id:
        logger.info("SES event ignored", extra={"event_type": kind[:20] if kind else None})
        return None
    section = _mapping(body.get(kind.lower()))
    permanent = kind == "Bounce" and section.get("bounceType") == "Permanent"
    stamp = _text(section.get("timestamp")) or _text(_mapping(body.get("mail")).get("timestamp"))
    return DeliveryEvent(kind, message_id, _timestamp(stamp), permanent)


def _bounce(message: Message, event: DeliveryEvent, at: datetime) -> str:
    emit("Bounces", 1, department=message.department)
    what = "bounce_permanent" if event.permanent else "bounce_transient"
    message_store.note_event(message, at, what)
    if outcomes.answered(message, at):
        logger.info(
            "bounce after an answer: recorded only", extra={"message_id": message.message_id}
        )
        return "recorded"
    department = departments.get(message.department)
    if event.permanent:
        outcomes.hard_bounce(department, message, at)
        return "undeliverable"
    outcomes.soft_bounce(department, message, at)
    return "retry"


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _tag(mail: object) -> str | None:
    tags = _mapping(_mapping(mail).get("tags")).get(TAG)
    first = tags[0] if isinstance(tags, list) and tags else None
    return first if isinstance(first, str) and 0 < len(first) <= 100 else None


def _timestamp(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None

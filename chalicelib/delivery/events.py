"""SES delivery events (bounce, complaint, delivery) arriving through SNS (SPEC §4, §6).

Each event names our message through the ``relais_message`` tag set at send time. A hard bounce
makes the message undeliverable (then the partner's other channel, or an alert); a soft bounce is
recorded and the message retried; events older than the last one applied are ignored. An event
arriving after the partner answered is only recorded: answers win. A malformed body (not JSON,
not an object, fields of the wrong type) is logged and dropped, never raised.

An event dated outside [sending - 1 day, now + 1 day] cannot be about this send (SPEC §6 v3): it
is recorded in the message's history and ignored. Applied, one dated 2099 would make every later
event "stale", and one dated year 9999 would overflow the date arithmetic after the referral was
marked. A bounce acts only on the send it names (SES's own message id): a replayed or forged one
cannot make the email go out again and again, nor the referral undeliverable; a soft bounce
re-sends that send once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.delivery import outcomes
from chalicelib.departments import service as departments
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.stored import StoredMessage
from chalicelib.observability import emit, logger
from chalicelib.store import messages as message_store

TAG = "relais_message"
KINDS = ("Bounce", "Complaint", "Delivery")
PLAUSIBLE_MARGIN = timedelta(days=1)
# A date that is there but unreadable (or beyond what datetime holds in UTC) is out of any range.
UNREADABLE = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DeliveryEvent:
    kind: str  # one of KINDS
    message_id: str
    at: datetime | None
    permanent: bool  # a hard bounce
    provider_id: str | None  # SES's id of the send it is about (``mail.messageId``)


def handle(raw_message: object) -> str:
    event = parse(raw_message)
    if event is None:
        return "ignored"
    message = message_store.get(event.message_id)
    if message is None:
        return "ignored"
    now = utcnow()
    at = event.at or now
    if not plausible(message, at, now):
        logger.warning("SES event dated out of range", extra={"message_id": message.message_id})
        message_store.note_ignored_event(message, now, f"{event.kind.lower()}_out_of_range")
        return "ignored"
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
    provider_id = _text(_mapping(body.get("mail")).get("messageId"))[:200] or None
    return DeliveryEvent(kind, message_id, _timestamp(stamp), permanent, provider_id)


def plausible(message: StoredMessage, at: datetime, now: datetime) -> bool:
    """Is ``at`` within [sending - 1 day, now + 1 day]? (an unsent message: its creation)"""
    sending = datetime.fromisoformat(message.sent_at or message.created_at)
    return sending - PLAUSIBLE_MARGIN <= at <= now + PLAUSIBLE_MARGIN


def _bounce(message: StoredMessage, event: DeliveryEvent, at: datetime) -> str:
    emit("Bounces", 1, department=message.department)
    what = "bounce_permanent" if event.permanent else "bounce_transient"
    message_store.note_event(message, at, what)
    if outcomes.answered(message, at):
        logger.info(
            "bounce after an answer: recorded only", extra={"message_id": message.message_id}
        )
        return "recorded"
    if not event.provider_id or event.provider_id != message.provider_id:
        # an earlier send's (the message went again since), or a forged one: nothing to act on
        logger.info(
            "bounce of another send: recorded only", extra={"message_id": message.message_id}
        )
        return "recorded"
    department = departments.get(message.department)
    if event.permanent:
        outcomes.hard_bounce(department, message, at)
        return "undeliverable"
    if not outcomes.soft_bounce(department, message, event.provider_id, at):
        return "recorded"
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
    """The event's date; None when it has none (handled as "now"), ``UNREADABLE`` when bad."""
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # "0001-01-01T00:00:00+05:00" overflows to UTC
        return UNREADABLE

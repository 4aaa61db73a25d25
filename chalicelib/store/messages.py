"""Messages (emails and SMS sent exactly once) and their named, conditional transitions.

    pending ──claim──► sending ──mark_sent──► sent
       ▲                  │
       └── retry_later ───┤ (and switch_channel: the partner's other channel)
                          └── finish ──► undeliverable | failed
    pending ──cancel──► cancelled (its referral was cancelled: exit, erasure)
    sending ──forget──► (deleted) an erased youth's interview CANCEL, once sent or given up

A message about one youth carries ``youth_key`` (sparse ``youth-index``): erasure and consent
changes query what concerns the youth instead of rebuilding ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from pynamodb.pagination import ResultIterator

from chalicelib.domain.clock import iso
from chalicelib.domain.enums import MessageStatus
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredMessage
from chalicelib.store.base import history_entry, live, own, plain
from chalicelib.store.models import Message
from chalicelib.store.writes import applied

MESSAGE_TTL = timedelta(days=400)  # messages about no youth in particular (digests)
CLAIM_TIMEOUT = timedelta(minutes=10)
# The interview CANCEL an erasure sends (``referrals.invitations.cancel_erased``): deleted once sent
# or given up, never kept as ``sent``; its TTL is only the backstop if the dispatch never runs.
ERASURE_CANCEL = "erasure_cancel"
ERASURE_CANCEL_TTL = timedelta(days=2)
MAX_IGNORED_EVENTS = 10
# a message that may still go out (again): its context follows the youth's record
FOLLOWING_THE_YOUTH = (
    MessageStatus.PENDING,
    MessageStatus.HELD,
    MessageStatus.SENDING,
    MessageStatus.SENT,
)


def new(
    *,
    message_id: str,
    department: str,
    purpose: str,
    template: str,
    channel: str,
    recipients: list[str],
    context: dict[str, Any],
    now: datetime,
    referral_id: str | None = None,
    youth_key: str | None = None,
    fallback_channel: str | None = None,
    fallback_recipients: list[str] | None = None,
    dispatch_at: datetime | None = None,
    expires_at: datetime | None = None,
    held: bool = False,
) -> StoredMessage:
    """A message to queue; about a youth, it expires with the youth (``expires_at``). ``held``:
    it rides in another one (an invitation in its referral's email) and is never dispatched
    itself (no ``dispatch_at``: outside the dispatch index)."""
    status = MessageStatus.HELD if held else MessageStatus.PENDING
    message = Message(
        message_id,
        department=department,
        referral_id=referral_id,
        youth_key=youth_key,
        purpose=purpose,
        template=template,
        channel=channel,
        recipients=recipients,
        fallback_channel=fallback_channel,
        fallback_recipients=fallback_recipients,
        context=context,
        status=status,
        dispatch_at=None if held else iso(dispatch_at or now),
        history=[history_entry(status, now)],
        created_at=iso(now),
        expires_at=expires_at or now + MESSAGE_TTL,
    )
    return cast(StoredMessage, message)


def enqueue(message: StoredMessage) -> bool:
    """Queue a message once (same id → no second message)."""
    return applied(
        lambda: own(message, Message).save(condition=Message.message_id.does_not_exist())
    )


def due_batch(
    department: str, now: datetime, limit: int, cursor: dict[str, Any] | None
) -> ResultIterator[StoredMessage]:
    """Up to ``limit`` due messages after ``cursor`` (its ``last_evaluated_key``: the next one)."""
    return Message.dispatch_index.query(
        department, Message.dispatch_at <= iso(now), limit=limit, last_evaluated_key=cursor
    )


def has_due(department: str, now: datetime) -> bool:
    """Is any message of this department due? (one Query of at most one item)"""
    return any(Message.dispatch_index.query(department, Message.dispatch_at <= iso(now), limit=1))


def throttled(message: StoredMessage, at: datetime, code: str, *, claim_id: str) -> bool:
    """The provider refused for the account's rate: back to ``pending`` until ``at``, and the
    claim's attempt is given back (``MAX_ATTEMPTS`` counts only this message's own failures)."""
    return applied(
        lambda: own(message, Message).update(
            actions=[
                Message.status.set(MessageStatus.PENDING),
                Message.dispatch_at.set(iso(at)),
                Message.attempts.add(-1),
                Message.last_error.set(code),
            ],
            condition=Message.claim_id == claim_id,
        )
    )


def of_youth(youth_key: str) -> list[StoredMessage]:
    return cast(list[StoredMessage], list(Message.youth_index.query(youth_key)))


def get(message_id: str) -> StoredMessage | None:
    try:
        return cast(StoredMessage, Message.get(message_id))
    except Message.DoesNotExist:
        return None


def live_of_youth(youth_key: str, now: datetime) -> list[StoredMessage]:
    """Every live message about the youth (its partner messages, notices, escalation emails)."""
    found = get_many([m.message_id for m in of_youth(youth_key)])
    return [m for m in found if live(m, now)]


def get_many(message_ids: list[str]) -> list[StoredMessage]:
    found: list[StoredMessage] = []
    for start in range(0, len(message_ids), 100):
        found += cast(
            list[StoredMessage], list(Message.batch_get(message_ids[start : start + 100]))
        )
    return found


def claim(message: StoredMessage, claim_id: str, now: datetime) -> bool:
    """Take the message to send it: ``pending`` and due, or a ``sending`` claim left behind by a
    dispatcher that died (older than ``CLAIM_TIMEOUT``)."""
    stale = iso(now - CLAIM_TIMEOUT)
    return applied(
        lambda: own(message, Message).update(
            actions=[
                Message.status.set(MessageStatus.SENDING),
                Message.claim_id.set(claim_id),
                Message.claimed_at.set(iso(now)),
                Message.attempts.add(1),
            ],
            condition=(
                (Message.status == MessageStatus.PENDING) & (Message.dispatch_at <= iso(now))
            )
            | ((Message.status == MessageStatus.SENDING) & (Message.claimed_at < stale)),
        )
    )


def sent_actions(provider_id: str, now: datetime) -> list[Any]:
    return [
        Message.status.set(MessageStatus.SENT),
        Message.provider_id.set(provider_id),
        Message.sent_at.set(iso(now)),
        Message.dispatch_at.remove(),
        Message.history.set(Message.history.append([history_entry(MessageStatus.SENT, now)])),
    ]


def mark_sent(message: StoredMessage, claim_id: str, provider_id: str, now: datetime) -> bool:
    """Alone (no referral moves with it): ``sent``, on our own claim only."""
    return applied(
        lambda: own(message, Message).update(
            actions=sent_actions(provider_id, now), condition=Message.claim_id == claim_id
        )
    )


def wait_until(message: StoredMessage, moment: datetime) -> bool:
    """A pending SMS waits for its window."""
    return applied(
        lambda: own(message, Message).update(
            actions=[Message.dispatch_at.set(iso(moment))],
            condition=Message.status == MessageStatus.PENDING,
        )
    )


def retry_later(message: StoredMessage, at: datetime, code: str, *, claim_id: str) -> bool:
    """Back to ``pending`` until ``at`` (a transient failure of our own claim)."""
    return applied(
        lambda: own(message, Message).update(
            actions=_back_to_pending(at, code), condition=Message.claim_id == claim_id
        )
    )


def retry_send(message: StoredMessage, provider_id: str, at: datetime, code: str) -> bool:
    """A soft bounce of the send ``provider_id``: back to ``pending`` until ``at``, once (the
    message must still be ``sent`` by that very send; the re-send gets another id)."""
    return applied(
        lambda: own(message, Message).update(
            actions=_back_to_pending(at, code),
            condition=(Message.status == MessageStatus.SENT) & (Message.provider_id == provider_id),
        )
    )


def _back_to_pending(at: datetime, code: str) -> list[Any]:
    return [
        Message.status.set(MessageStatus.PENDING),
        Message.dispatch_at.set(iso(at)),
        Message.last_error.set(code),
    ]


def switch_channel(
    message: StoredMessage, code: str, now: datetime, *, claim_id: str | None
) -> bool:
    """Re-queue on the partner's other channel; False when it has none (or someone moved it)."""
    item = own(message, Message)
    if not (item.fallback_channel and item.fallback_recipients):
        return False
    condition = (
        (Message.claim_id == claim_id) if claim_id else (Message.status == MessageStatus.SENT)
    )
    return applied(
        lambda: item.update(
            actions=[
                Message.channel.set(item.fallback_channel),
                Message.recipients.set(list(item.fallback_recipients or [])),
                Message.fallback_channel.remove(),
                Message.fallback_recipients.remove(),
                Message.status.set(MessageStatus.PENDING),
                Message.dispatch_at.set(iso(now)),
                Message.last_error.set(code),
                Message.history.set(
                    Message.history.append([history_entry(MessageStatus.UNDELIVERABLE, now, code)])
                ),
            ],
            condition=condition,
        )
    )


def finish(
    message: StoredMessage, status: MessageStatus, code: str, now: datetime, *, claim_id: str | None
) -> bool:
    """The message will not be delivered (``undeliverable`` or ``failed``): on our own claim,
    or (a delivery event) if it still exists (an erasure may have deleted it meanwhile)."""
    return applied(
        lambda: own(message, Message).update(
            actions=[
                Message.status.set(status),
                Message.dispatch_at.remove(),
                Message.last_error.set(code),
                Message.history.set(Message.history.append([history_entry(status, now, code)])),
            ],
            condition=(Message.claim_id == claim_id) if claim_id else Message.message_id.exists(),
        )
    )


def forget(message: StoredMessage, *, claim_id: str | None) -> bool:
    """An erased youth's interview CANCEL, sent or given up: deleted (on our own claim), so that
    nothing of the youth outlives the erasure; a late delivery event then finds nothing."""
    condition = (Message.claim_id == claim_id) if claim_id else Message.message_id.exists()
    return applied(lambda: own(message, Message).delete(condition=condition))


def note_event(message: StoredMessage, at: datetime, what: str) -> bool:
    """Record a delivery event (bounce, complaint, delivery) in the history, once, in order."""
    return applied(
        lambda: own(message, Message).update(
            actions=[
                Message.last_event_at.set(iso(at)),
                Message.history.set(Message.history.append([history_entry(what, at)])),
            ],
            condition=Message.last_event_at.does_not_exist() | (Message.last_event_at < iso(at)),
        )
    )


def note_ignored_event(message: StoredMessage, now: datetime, what: str) -> bool:
    """Record, at reception, an event that is ignored (dated out of range), without moving
    ``last_event_at``; at most ``MAX_IGNORED_EVENTS`` of them, so that a flood cannot grow the
    item without bound."""
    if (
        sum(1 for h in message.history or [] if "_out_of_range" in h["status"])
        >= MAX_IGNORED_EVENTS
    ):
        return False
    return applied(
        lambda: own(message, Message).update(
            actions=[Message.history.set(Message.history.append([history_entry(what, now)]))],
            condition=Message.message_id.exists(),
        )
    )


def cancel(message_id: str, now: datetime) -> bool:
    """A pending message that must not go (its referral was cancelled)."""
    return applied(
        lambda: Message(message_id).update(
            actions=[
                Message.status.set(MessageStatus.CANCELLED),
                Message.dispatch_at.remove(),
                Message.history.set(
                    Message.history.append([history_entry(MessageStatus.CANCELLED, now)])
                ),
            ],
            condition=Message.status == MessageStatus.PENDING,
        )
    )


def follow_youth(
    message: StoredMessage, *, snapshot: Snapshot | None, expires_at: datetime | None
) -> bool:
    """A message shows what the youth's record says now (consent withdrawn) and expires with the
    youth. A ``sent`` one too: a soft bounce or a hard bounce with another channel sends it again,
    rendered from this context (SPEC §6 v3); a ``sending`` one too, should its claim be retaken."""
    actions: list[Any] = [Message.expires_at.set(expires_at)] if expires_at else []
    context = plain(message.context) or {}
    if snapshot is not None and message.status in FOLLOWING_THE_YOUTH and "snapshot" in context:
        actions.append(Message.context.set({**context, "snapshot": snapshot.to_item()}))
    if not actions:
        return False
    return applied(
        lambda: own(message, Message).update(actions=actions, condition=Message.message_id.exists())
    )


def expire_by(message_ids: list[str], expires_at: datetime) -> int:
    """Those of ``message_ids`` (digests listing a youth) expire no later than ``expires_at``;
    returns how many were shortened."""
    return sum(_expire_by(message_id, expires_at) for message_id in message_ids)


def _expire_by(message_id: str, expires_at: datetime) -> bool:
    return applied(
        lambda: Message(message_id).update(
            actions=[Message.expires_at.set(expires_at)],
            condition=Message.message_id.exists() & (Message.expires_at > expires_at),
        )
    )


def revise_unsent(message_id: str, context: dict[str, Any], now: datetime) -> bool:
    """A message not sent yet (waiting, or cancelled before it went) says what is true now and
    goes at the next dispatch; False once a dispatcher took it."""
    return applied(
        lambda: Message(message_id).update(
            actions=[
                Message.context.set(context),
                Message.status.set(MessageStatus.PENDING),
                Message.dispatch_at.set(iso(now)),
                Message.history.set(
                    Message.history.append([history_entry(MessageStatus.PENDING, now, "revised")])
                ),
            ],
            condition=Message.status.is_in(MessageStatus.PENDING, MessageStatus.CANCELLED),
        )
    )


def set_context(message: StoredMessage, context: dict[str, Any]) -> bool:
    return applied(
        lambda: own(message, Message).update(
            actions=[Message.context.set(context)], condition=Message.message_id.exists()
        )
    )


def delete(message_ids: list[str]) -> int:
    """Delete those of ``message_ids`` that exist; return how many did."""
    existing = [
        m.message_id
        for start in range(0, len(message_ids), 100)
        for m in Message.batch_get(
            message_ids[start : start + 100], attributes_to_get=["message_id"]
        )
    ]
    with Message.batch_write() as batch:
        for message_id in existing:
            batch.delete(Message(message_id))
    return len(existing)

"""Referrals and the messages that carry them: creation exactly once, status changes, history.

Statuses (SPEC §6): pending → sent → acknowledged | declined | redirected; undeliverable, failed,
escalated, cancelled. (``sending`` lives on the message while a dispatcher holds its claim.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.referrals import ids
from chalicelib.store.base import iso
from chalicelib.store.models import Message, Referral
from chalicelib.store.transactions import TransactWriteError, conditions_failed, transaction

UNSENT = ("pending",)
ANSWERABLE = ("sent", "escalated", "acknowledged", "declined", "redirected")
ANSWER_STATUS = {"accepte": "acknowledged", "refuse": "declined", "non_competent": "redirected"}
MESSAGE_TTL = timedelta(days=400)
HELD = "merged"  # a message sent inside another one


def entry(status: str, at: datetime, note: str | None = None) -> dict:
    item = {"at": iso(at), "status": status}
    if note:
        item["note"] = note
    return item


def new_message(
    *,
    message_id: str,
    department: str,
    purpose: str,
    template: str,
    channel: str,
    recipients: list[str],
    context: dict,
    now: datetime,
    referral_id: str | None = None,
    fallback_channel: str | None = None,
    fallback_recipients: list[str] | None = None,
    dispatch_at: datetime | None = None,
    held: bool = False,
) -> Message:
    """``held``: the message rides in another one (an invitation in its referral's email) and is
    never dispatched itself (no ``dispatch_at``: outside the dispatch index)."""
    return Message(
        message_id,
        department=department,
        referral_id=referral_id,
        purpose=purpose,
        template=template,
        channel=channel,
        recipients=recipients,
        fallback_channel=fallback_channel,
        fallback_recipients=fallback_recipients,
        context=context,
        status=HELD if held else "pending",
        dispatch_at=None if held else iso(dispatch_at or now),
        history=[entry(HELD if held else "pending", now)],
        created_at=iso(now),
        expires_at=now + MESSAGE_TTL,
    )


def create_with_message(referral: Referral, message: Message) -> bool:
    """Write a new referral and its first message in one transaction; False if it already exists."""
    try:
        with transaction() as write:
            write.save(referral, condition=Referral.referral_id.does_not_exist())
            write.save(message, condition=Message.message_id.does_not_exist())
    except TransactWriteError as error:
        if conditions_failed(error):
            return False
        raise
    return True


def enqueue(message: Message) -> bool:
    """Queue a message once (same id → no second message)."""
    try:
        message.save(condition=Message.message_id.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def referrals_of(department: str, id_externe: str) -> list[Referral]:
    return list(Referral.youth_index.query(ids.youth_key(department, id_externe)))


def cancel_unsent(department: str, id_externe: str, *, now: datetime, note: str) -> int:
    """Cancel the youth's referrals not yet sent and their pending messages."""
    cancelled = 0
    for referral in referrals_of(department, id_externe):
        if referral.status not in UNSENT:
            continue
        try:
            referral.update(
                actions=[
                    Referral.status.set("cancelled"),
                    Referral.history.set(Referral.history.append([entry("cancelled", now, note)])),
                ],
                condition=Referral.status.is_in(*UNSENT),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                continue
            raise
        cancelled += 1
        cancel_messages_of(referral.referral_id, now)
    return cancelled


def cancel_messages_of(referral_id: str, now: datetime) -> None:
    for message_id in (ids.message_id(referral_id, "initial"),):
        try:
            Message(message_id).update(
                actions=[
                    Message.status.set("cancelled"),
                    Message.dispatch_at.remove(),
                    Message.history.set(Message.history.append([entry("cancelled", now)])),
                ],
                condition=Message.status == "pending",
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise

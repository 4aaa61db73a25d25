"""Dispatch: claim each due message, render, send, record — exactly once as far as we can know.

Protocol for one message (≤ 3 DynamoDB requests + 1 provider call):
1. claim: conditional UpdateItem (``pending`` and due, or ``sending`` with a claim older than
   ``CLAIM_TIMEOUT``) that sets a fresh ``claim_id`` and returns the item;
2. the provider call;
3. one TransactWriteItems: the message becomes ``sent`` (conditional on our claim id) and the
   referral ``sent`` with its follow-up date.
Step 3 is retried (bounded) when DynamoDB fails, since the provider already accepted the message.
A dispatcher that dies between 2 and 3 anyway leaves a ``sending`` claim: it is taken again after
the timeout and sent a second time — the only window left, as short as one DynamoDB write.
One message's failure never stops the others. Sends are paced under the account's sending rate
(``rate``); a throttled send goes back to ``pending`` shortly, without spending an attempt.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import PynamoDBException

from chalicelib import runs
from chalicelib.delivery import compose, outcomes, rate
from chalicelib.delivery.providers import (
    PermanentDeliveryError,
    ThrottledError,
    TransientDeliveryError,
    provider,
)
from chalicelib.domain import clock
from chalicelib.domain.enums import Channel, MessageStatus
from chalicelib.domain.stored import StoredDepartment, StoredMessage
from chalicelib.observability import emit, logger
from chalicelib.referrals import youth_message
from chalicelib.store import messages as message_store

CLAIM_TIMEOUT = message_store.CLAIM_TIMEOUT
RECORD_ATTEMPTS = 10


def has_work(code: str, now: datetime) -> bool:
    """Is any message of this department due? (one Query of at most one item)"""
    return message_store.has_due(code, now)


def run_department(
    department: StoredDepartment,
    now: datetime,
    cursor: dict[str, Any] | None = None,
    limit: int | None = None,
) -> tuple[Counter[str], dict[str, Any] | None]:
    """Send up to ``limit`` due messages of one department (by default what the sending rate
    allows in one invocation), after ``cursor``. Returns the counts (``error``: messages left
    for the next run) and the cursor of the next batch, if any."""
    limit = limit or rate.batch_size()
    totals: Counter[str] = Counter()
    due = message_store.due_batch(department.code, now, limit, cursor)
    read = 0
    for message in due:
        read += 1
        with runs.isolated(totals, "message not processed", message_id=message.message_id):
            totals[send_one(department, message, now)] += 1
    return totals, due.last_evaluated_key if read >= limit else None


def send_one(department: StoredDepartment, message: StoredMessage, now: datetime) -> str:
    if message.status not in (MessageStatus.PENDING, MessageStatus.SENDING):
        return "skipped"
    if message.channel == Channel.SMS and not clock.sms_window_open(department.code, now):
        return _wait_for_window(message, department, now)
    if message.purpose == youth_message.PURPOSE and not youth_message.still_wanted(
        department.code, message, now
    ):
        message_store.finish(message, MessageStatus.CANCELLED, "held_back", now, claim_id=None)
        return "held_back"
    claim = secrets.token_hex(8)
    if not message_store.claim(message, claim, now):
        return "claimed_elsewhere"
    try:
        provider_id = _send(message, now)
    except ThrottledError as error:  # the account's rate, not this message: no attempt spent
        rate.throttled(message.channel)
        return outcomes.throttled(message, claim, error.code, now)
    except PermanentDeliveryError as error:
        return outcomes.permanent_failure(department, message, claim, error.code, now)
    except TransientDeliveryError as error:
        return outcomes.transient_failure(department, message, claim, error.code, now)
    except Exception as error:  # rendering failed (a bug) or the token key was unreadable
        logger.error(
            "message could not be prepared",
            extra={"message_id": message.message_id, "error": type(error).__name__},
        )
        return outcomes.transient_failure(department, message, claim, "internal", now)
    _record_sent(department, message, claim, provider_id, now)
    emit("MessagesSent", 1, department=department.code, channel=message.channel)
    logger.info(
        "message sent",
        extra={"message_id": message.message_id, "referral_id": message.referral_id},
    )
    return "sent"


def _record_sent(
    department: StoredDepartment,
    message: StoredMessage,
    claim: str,
    provider_id: str,
    now: datetime,
) -> None:
    """The provider accepted the message: insist on recording it (bounded), for a claim left
    behind would be taken again after ``CLAIM_TIMEOUT`` and the message sent twice."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            outcomes.mark_sent(department, message, claim, provider_id, now)
            return
        except (PynamoDBException, BotoCoreError) as error:
            if attempt == RECORD_ATTEMPTS - 1:
                raise
            logger.warning(
                "recording a sent message failed; retrying",
                extra={"message_id": message.message_id, "error": type(error).__name__},
            )
            time.sleep(min(2.0, 0.1 * 2**attempt))


def _send(message: StoredMessage, now: datetime) -> str:
    stored = message.context.as_dict()
    if message.channel == Channel.SMS:
        text = compose.sms(message.purpose, stored, now)
        number = str(message.recipients[0])
        # a youth who answered STOP is not written to again (a partner's number is its office's)
        if message.purpose in compose.CHECK_OPT_OUT and provider().sms_opted_out(number):
            raise PermanentDeliveryError("OptedOut")
        rate.wait_turn(Channel.SMS)
        return provider().send_sms(number, text)
    recipients = [str(address) for address in message.recipients]
    email = compose.email(message.template, stored, recipients, now)
    rate.wait_turn(Channel.EMAIL)
    return provider().send_email(replace(email, tag=message.message_id))


def _wait_for_window(message: StoredMessage, department: StoredDepartment, now: datetime) -> str:
    message_store.wait_until(message, clock.next_sms_window(department.code, now))
    return "waiting_sms_window"

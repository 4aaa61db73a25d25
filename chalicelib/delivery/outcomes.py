"""What a send attempt leaves behind: sent, retried, switched channel, or given up (alerted)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.alerts import raising
from chalicelib.domain.alerts import AlertKind
from chalicelib.observability import emit, logger
from chalicelib.pathway import placement
from chalicelib.referrals import lifecycle
from chalicelib.store.base import iso
from chalicelib.store.models import Department, Message, Referral
from chalicelib.store.transactions import TransactWriteError, conditions_failed, transaction

MAX_ATTEMPTS = 5
THROTTLE_DELAY = timedelta(minutes=1)  # the next dispatch run after the rate had room again
# Messages to the department or a referent: a failure is logged (and alarmed), not alerted about.
INTERNAL_PURPOSES = ("alert", "escalation", "digest")


def mark_sent(
    department: Department, message: Message, claim: str, provider_id: str, now: datetime
) -> None:
    """One TransactWriteItems: the message is ``sent`` (our claim only) and so is its referral;
    a mission-locale referral's first send also queues the placement structure's notice (once:
    the referral's ``pending`` condition guards it)."""
    message_actions = [
        Message.status.set("sent"),
        Message.provider_id.set(provider_id),
        Message.sent_at.set(iso(now)),
        Message.dispatch_at.remove(),
        Message.history.set(Message.history.append([lifecycle.entry("sent", now)])),
    ]
    referral_actions = _referral_on_send(department, message, now)
    notice = placement.notice_for(message, now) if referral_actions else None
    try:
        with transaction() as write:
            write.update(message, actions=message_actions, condition=Message.claim_id == claim)
            if referral_actions:
                write.update(
                    Referral(message.referral_id),
                    actions=referral_actions,
                    condition=Referral.status == "pending",
                )
            if notice is not None:
                write.save(notice)
    except TransactWriteError as error:
        if not conditions_failed(error):
            raise
        if not referral_actions:
            logger.warning("claim lost before recording", extra={"message_id": message.message_id})
            return
        # The referral left ``pending`` meanwhile (cancelled, or a twin claim recorded it first).
        _update_quietly(message, message_actions, Message.claim_id == claim)
    if referral_actions:
        _invitation_sent(department, message, now)


def _invitation_sent(department: Department, message: Message, now: datetime) -> None:
    """An interview invitation that rode in this referral's email went out with it. Its own
    follow-ups come a day after the referral's, so that the mission locale never gets two
    reminders about one youth on the same day."""
    riding = (message.context.as_dict() or {}).get("invitation")
    if not riding:
        return
    reminder_at = now + timedelta(days=int(department.relance_jours) + 1)
    actions = [
        Referral.status.set("sent"),
        Referral.sent_at.set(iso(now)),
        Referral.channel.set(message.channel),
        Referral.token_expires_at.set(iso(now + timedelta(days=int(department.ack_ttl_days)))),
        Referral.followup_at.set(iso(reminder_at)),
        Referral.followup_stage.set("reminder"),
        Referral.history.set(Referral.history.append([lifecycle.entry("sent", now)])),
    ]
    try:
        referral = Referral(riding["referral_id"])
        referral.update(actions=actions, condition=Referral.status == "pending")
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):  # cancelled meanwhile: nothing to record
            raise


def _referral_on_send(department: Department, message: Message, now: datetime) -> list:
    if message.purpose != "referral" or not message.referral_id:
        return []
    return [
        Referral.status.set("sent"),
        Referral.sent_at.set(iso(now)),
        Referral.channel.set(message.channel),
        Referral.token_expires_at.set(iso(now + timedelta(days=int(department.ack_ttl_days)))),
        Referral.followup_at.set(iso(now + timedelta(days=int(department.relance_jours)))),
        Referral.followup_stage.set("reminder"),
        Referral.history.set(Referral.history.append([lifecycle.entry("sent", now)])),
    ]


def permanent_failure(
    department: Department, message: Message, claim: str, code: str, now: datetime
) -> str:
    emit("SendFailures", 1, department=department.code, channel=message.channel)
    if _try_other_channel(message, code, now, Message.claim_id == claim):
        return "fallback"
    give_up(department, message, "undeliverable", code, now, claim=claim)
    return "undeliverable"


def transient_failure(
    department: Department, message: Message, claim: str, code: str, now: datetime
) -> str:
    if int(message.attempts or 0) >= MAX_ATTEMPTS:
        emit("SendFailures", 1, department=department.code, channel=message.channel)
        give_up(department, message, "failed", code, now, claim=claim)
        return "failed"
    backoff = timedelta(minutes=min(60, 2 ** int(message.attempts or 1)))
    _update_quietly(
        message,
        [
            Message.status.set("pending"),
            Message.dispatch_at.set(iso(now + backoff)),
            Message.last_error.set(code),
        ],
        Message.claim_id == claim,
    )
    return "retry_later"


def throttled(message: Message, claim: str, code: str, now: datetime) -> str:
    """The provider refused for the account's rate: back to ``pending`` shortly, and the claim's
    attempt is given back (``MAX_ATTEMPTS`` counts only this message's own failures)."""
    _update_quietly(
        message,
        [
            Message.status.set("pending"),
            Message.dispatch_at.set(iso(now + THROTTLE_DELAY)),
            Message.attempts.add(-1),
            Message.last_error.set(code),
        ],
        Message.claim_id == claim,
    )
    return "throttled"


def give_up(
    department: Department,
    message: Message,
    status: str,
    code: str,
    now: datetime,
    *,
    claim: str | None = None,
) -> None:
    """The message will not be delivered: mark its referral, alert the department, then record
    it. The message becomes final last, so that a failure half-way leaves it to be taken again
    (the referral update and the alert, keyed by the message, are safe to repeat)."""
    final_actions = [
        Message.status.set(status),
        Message.dispatch_at.remove(),
        Message.last_error.set(code),
        Message.history.set(Message.history.append([lifecycle.entry(status, now, code)])),
    ]
    final_condition = (Message.claim_id == claim) if claim else None
    if message.purpose in INTERNAL_PURPOSES or not message.referral_id:
        _update_quietly(message, final_actions, final_condition)
        logger.error("alert could not be delivered", extra={"message_id": message.message_id})
        return
    if message.purpose == "referral":
        Referral(message.referral_id).update(
            actions=[
                Referral.status.set(status),
                Referral.followup_at.remove(),
                Referral.history.set(Referral.history.append([lifecycle.entry(status, now, code)])),
            ]
        )
    raising.delivery_failed(
        department.code,
        message.referral_id,
        message.context.as_dict()["snapshot"],
        AlertKind(status),
        now,
        channel=message.channel,
        code=code,
        message_id=message.message_id,
    )
    _update_quietly(message, final_actions, final_condition)


def _try_other_channel(message: Message, code: str, now: datetime, condition: object) -> bool:
    """Re-queue the message on the partner's other channel, if it has one."""
    if not (message.fallback_channel and message.fallback_recipients):
        return False
    _update_quietly(
        message,
        [
            Message.channel.set(message.fallback_channel),
            Message.recipients.set(list(message.fallback_recipients)),
            Message.fallback_channel.remove(),
            Message.fallback_recipients.remove(),
            Message.status.set("pending"),
            Message.dispatch_at.set(iso(now)),
            Message.last_error.set(code),
            Message.history.set(
                Message.history.append([lifecycle.entry("undeliverable", now, code)])
            ),
        ],
        condition,
    )
    return True


def _update_quietly(message: Message, actions: list, condition: object) -> None:
    try:
        message.update(actions=actions, condition=condition)  # type: ignore[arg-type]
    except UpdateError as error:
        if not lifecycle.is_condition_failure(error):
            raise
        logger.warning("message changed meanwhile", extra={"message_id": message.message_id})


def hard_bounce(department: Department, message: Message, at: datetime) -> None:
    """The address will never work: the other channel if the partner has one, else give up."""
    if _try_other_channel(message, "bounce", at, Message.status == "sent"):
        return
    give_up(department, message, "undeliverable", "bounce", at)


def soft_bounce(department: Department, message: Message, at: datetime) -> None:
    """A temporary refusal (mailbox full…): send again later, within the attempts bound."""
    if int(message.attempts or 0) >= MAX_ATTEMPTS:
        give_up(department, message, "failed", "soft_bounce", at)
        return
    _update_quietly(
        message,
        [Message.status.set("pending"), Message.dispatch_at.set(iso(at + timedelta(hours=1)))],
        Message.status == "sent",
    )

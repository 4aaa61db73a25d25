"""What a send attempt or a delivery event leaves behind: sent, retried, switched channel, or
given up (the department alerted). An answer always wins: once a partner answered, a late failure
or bounce is recorded on the message, never on the referral (SPEC §6)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.alerts import raising
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.enums import Channel, MessageStatus, ReferralStatus
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredDepartment, StoredMessage
from chalicelib.observability import emit, logger
from chalicelib.pathway import placement
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store import youth_flags

MAX_ATTEMPTS = 5
THROTTLE_DELAY = timedelta(minutes=1)  # the next dispatch run after the rate had room again
# Messages to the department or a referent: a failure is logged (and alarmed), not alerted about.
INTERNAL_PURPOSES = ("alert", "escalation", "digest")


def mark_sent(
    department: StoredDepartment,
    message: StoredMessage,
    claim: str,
    provider_id: str,
    now: datetime,
) -> None:
    """One TransactWriteItems: the message is ``sent`` (our claim only) and so is its referral;
    a mission-locale referral's first send also queues the placement structure's notice (once:
    the referral's ``pending`` condition guards it). An erased youth's interview CANCEL is
    deleted instead: nothing of the youth is kept once it went out."""
    if message.purpose == message_store.ERASURE_CANCEL:
        message_store.forget(message, claim_id=claim)
        return
    if message.purpose != "referral" or not message.referral_id:
        if not message_store.mark_sent(message, claim, provider_id, now):
            logger.warning("claim lost before recording", extra={"message_id": message.message_id})
        return
    referral_actions = referral_store.sent_actions(
        message.channel,
        now,
        ack_ttl_days=int(department.ack_ttl_days),
        followup_at=now + timedelta(days=int(department.relance_jours)),
    )
    notice = placement.notice_for(message, now)

    message_actions = message_store.sent_actions(provider_id, now)
    if not referral_store.mark_sent_with_message(
        message, claim, message_actions, referral_actions, notice
    ):
        # The referral left ``pending`` meanwhile (cancelled, or a twin claim recorded it first).
        message_store.mark_sent(message, claim, provider_id, now)
    _invitation_sent(department, message, now)


def _invitation_sent(department: StoredDepartment, message: StoredMessage, now: datetime) -> None:
    """An interview invitation that rode in this referral's email went out with it. Its own
    follow-ups come a day after the referral's, so that the mission locale never gets two
    reminders about one youth on the same day. A referral gone by SMS (its email failed) carried
    no invitation: that one was given up when the channel switched (``_invitation_left_behind``)."""
    riding = _riding(message)
    if riding and message.channel == Channel.EMAIL:
        referral_store.mark_riding_sent(
            riding,
            message.channel,
            now,
            ack_ttl_days=int(department.ack_ttl_days),
            reminder_at=now + timedelta(days=int(department.relance_jours) + 1),
        )


def _riding(message: StoredMessage) -> str | None:
    """The referral id of the interview invitation riding in this referral email, if any."""
    riding = (message.context.as_dict() or {}).get("invitation")
    return str(riding["referral_id"]) if riding else None


def _invitation_left_behind(
    department: StoredDepartment, message: StoredMessage, code: str, now: datetime
) -> None:
    """The referral goes on by SMS, which cannot carry the invitation's ``.ics``: the invitation
    is undeliverable and the department alerted, like any undeliverable referral (SPEC §6). It
    gets no message of its own: its email would go to the address that just failed, and a
    second SMS the same day would break SPEC §7 (one message per partner per youth per day)."""
    riding = _riding(message)
    invitation = referral_store.get(riding, now) if riding else None
    if invitation is None or invitation.status == ReferralStatus.CANCELLED:
        return
    if referral_store.is_answered(invitation):
        return
    referral_store.give_up(invitation.referral_id, ReferralStatus.UNDELIVERABLE, code, now)
    raising.delivery_failed(
        department.code,
        invitation.referral_id,
        invitation.snapshot_view(),
        AlertKind.UNDELIVERABLE,
        now,
        channel=Channel.EMAIL,
        code=code,
        message_id=message.message_id,
        expires_at=invitation.expires_at,
    )


def permanent_failure(
    department: StoredDepartment, message: StoredMessage, claim: str, code: str, now: datetime
) -> str:
    emit("SendFailures", 1, department=department.code, channel=message.channel)
    if message_store.switch_channel(message, code, now, claim_id=claim):
        _invitation_left_behind(department, message, code, now)
        return "fallback"
    give_up(department, message, MessageStatus.UNDELIVERABLE, code, now, claim=claim)
    return "undeliverable"


def transient_failure(
    department: StoredDepartment, message: StoredMessage, claim: str, code: str, now: datetime
) -> str:
    if int(message.attempts or 0) >= MAX_ATTEMPTS:
        emit("SendFailures", 1, department=department.code, channel=message.channel)
        give_up(department, message, MessageStatus.FAILED, code, now, claim=claim)
        return "failed"
    backoff = timedelta(minutes=min(60, 2 ** int(message.attempts or 1)))
    message_store.retry_later(message, now + backoff, code, claim_id=claim)
    return "retry_later"


def throttled(message: StoredMessage, claim: str, code: str, now: datetime) -> str:
    """The provider refused for the account's rate: back to ``pending`` shortly, without spending
    an attempt (``MAX_ATTEMPTS`` counts only this message's own failures)."""
    message_store.throttled(message, now + THROTTLE_DELAY, code, claim_id=claim)
    return "throttled"


def give_up(
    department: StoredDepartment,
    message: StoredMessage,
    status: MessageStatus,
    code: str,
    now: datetime,
    *,
    claim: str | None = None,
) -> None:
    """The message will not be delivered: mark its referral, alert the department, then record
    it. The message becomes final last, so that a failure half-way leaves it to be taken again
    (the referral update and the alert, keyed by the message, are safe to repeat). A referral
    already answered keeps its answer, and nobody is alerted about a partner who answered."""
    if message.purpose == message_store.ERASURE_CANCEL:
        # the youth is erased: no alert can name it; the failure is logged (and counted) only
        message_store.forget(message, claim_id=claim)
        logger.error(
            "erased youth's cancellation not delivered",
            extra={"message_id": message.message_id, "status": status},
        )
        return
    if message.purpose in INTERNAL_PURPOSES or not message.referral_id:
        message_store.finish(message, status, code, now, claim_id=claim)
        logger.error("alert could not be delivered", extra={"message_id": message.message_id})
        return
    if answered(message, now):
        message_store.finish(message, status, code, now, claim_id=claim)
        logger.info("late failure after an answer", extra={"message_id": message.message_id})
        return
    if message.purpose == "referral":
        referral_store.give_up(message.referral_id, ReferralStatus(status), code, now)
        riding = _riding(message)
        if riding:  # the interview invitation was in the same email: it did not arrive either
            referral_store.give_up(riding, ReferralStatus(status), code, now)
        youth_flags.refresh_of(message.youth_key)  # given up: no longer "sans réponse"
    raising.delivery_failed(
        department.code,
        message.referral_id,
        Snapshot.from_item(message.context.as_dict()["snapshot"]),
        AlertKind(status),
        now,
        channel=message.channel,
        code=code,
        message_id=message.message_id,
        expires_at=message.expires_at,
    )
    message_store.finish(message, status, code, now, claim_id=claim)


def answered(message: StoredMessage, now: datetime) -> bool:
    """The partner already answered this message's referral: nothing more to deliver."""
    if not message.referral_id or message.purpose in INTERNAL_PURPOSES:
        return False
    referral = referral_store.get(message.referral_id, now)
    return referral is not None and referral_store.is_answered(referral)


def hard_bounce(department: StoredDepartment, message: StoredMessage, at: datetime) -> None:
    """The address will never work: the other channel if the partner has one, else give up."""
    if message_store.switch_channel(message, "bounce", at, claim_id=None):
        _invitation_left_behind(department, message, "bounce", at)
        return
    give_up(department, message, MessageStatus.UNDELIVERABLE, "bounce", at)


def soft_bounce(
    department: StoredDepartment, message: StoredMessage, provider_id: str | None, at: datetime
) -> bool:
    """A temporary refusal (mailbox full…) of the send SES names (``provider_id``): send again
    later, within the attempts bound. A bounce of another send (an earlier one, or none: forged)
    or a second bounce of the same send changes nothing: False."""
    if not provider_id or provider_id != message.provider_id:
        return False
    if int(message.attempts or 0) >= MAX_ATTEMPTS:
        give_up(department, message, MessageStatus.FAILED, "soft_bounce", at)
        return True
    return message_store.retry_send(message, provider_id, at + timedelta(hours=1), "soft_bounce")

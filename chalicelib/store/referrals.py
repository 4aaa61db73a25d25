"""Referrals and their named, conditional transitions (the state machine of docs/ARCHITECTURE.md).

    pending ──mark_sent (with its message)──► sent ──advance_followup──► escalated
    pending ──cancel_unsent──► cancelled           (exit, erasure)
    sent | escalated | answered ──record_answer──► acknowledged | …   (store.answers)
    sent | escalated ──redirect──► redirected      (the directory names another partner)
    pending | sent | escalated ──give_up──► undeliverable | failed   (never once answered)
    sent | escalated ──stop_followups / resume_followups──► same status, follow-ups off / on

Each transition is one conditional write; False means someone else moved the referral first.
Reads ignore expired items (``live``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, cast

from pynamodb.pagination import ResultIterator

from chalicelib.domain import ids
from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.clock import iso
from chalicelib.domain.enums import ANSWERED, AWAITING_ANSWER, FollowupStage, ReferralStatus
from chalicelib.domain.history import StatusChange
from chalicelib.domain.routing import Route
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredMessage, StoredReferral
from chalicelib.store.base import history_entry, live, own
from chalicelib.store.models import Message, Referral
from chalicelib.store.writes import applied, transaction

UNSENT = (ReferralStatus.PENDING,)
FAILABLE = (ReferralStatus.PENDING, ReferralStatus.SENT, ReferralStatus.ESCALATED)


def history_action(status: str, now: datetime, note: str | None = None) -> Any:
    return Referral.history.set(Referral.history.append([history_entry(status, now, note)]))


# --- reads ---------------------------------------------------------------------------------------
def get(
    referral_id: str, now: datetime | None, *, consistent: bool = False
) -> StoredReferral | None:
    """The referral, if live at ``now`` (``now=None``: even expired)."""
    try:
        referral = Referral.get(referral_id, consistent_read=consistent)
    except Referral.DoesNotExist:
        return None
    return cast(StoredReferral, referral) if now is None or live(referral, now) else None


def by_token(token_hash: str, now: datetime) -> StoredReferral | None:
    """The live referral behind an acknowledgement token (one read of ``token-index``)."""
    found = next(iter(Referral.token_index.query(token_hash, limit=1)), None)
    return cast(StoredReferral, found) if found is not None and live(found, now) else None


def of_youth(department: str, id_externe: str) -> list[StoredReferral]:
    """Every referral of the youth, expired ones included (erasure needs them all)."""
    found = Referral.youth_index.query(ids.youth_key(department, id_externe))
    return cast(list[StoredReferral], list(found))


def live_of_youth(department: str, id_externe: str, now: datetime) -> list[StoredReferral]:
    return [r for r in of_youth(department, id_externe) if live(r, now)]


def followups_due(department: str, until: str) -> Iterator[StoredReferral]:
    found = Referral.followup_index.query(department, Referral.followup_at <= until)
    return cast(Iterator[StoredReferral], found)


def followups_batch(
    department: str, until: str, limit: int, cursor: dict[str, Any] | None
) -> ResultIterator[StoredReferral]:
    """Up to ``limit`` due follow-ups after ``cursor`` (its ``last_evaluated_key``: the next)."""
    found = Referral.followup_index.query(
        department, Referral.followup_at <= until, limit=limit, last_evaluated_key=cursor
    )
    return cast("ResultIterator[StoredReferral]", found)


def has_followups_due(department: str, until: str) -> bool:
    """Is any follow-up of this department due? (one Query of at most one item)"""
    return any(Referral.followup_index.query(department, Referral.followup_at <= until, limit=1))


# --- creation ------------------------------------------------------------------------------------
def new(
    referral_id: str,
    *,
    department: str,
    id_externe: str,
    kind: str,
    route: Route,
    token_hash: str,
    snapshot: Snapshot,
    now: datetime,
    expires_at: datetime | None,
) -> StoredReferral:
    """A referral to create (``pending``); it expires with its youth."""
    referral = Referral(
        referral_id,
        department=department,
        id_externe=id_externe,
        youth_key=ids.youth_key(department, id_externe),
        kind=kind,
        partner_type=route.partner_type,
        partner_id=route.partner_id,
        channel=route.canal,
        status=ReferralStatus.PENDING,
        history=[history_entry(ReferralStatus.PENDING, now)],
        created_at=iso(now),
        token_hash=token_hash,
        snapshot=snapshot.to_item(),
        expires_at=expires_at,
    )
    return cast(StoredReferral, referral)


def unsaved(referral_id: str, **attributes: Any) -> StoredReferral:
    """A referral as the store keeps it, never written (``local.samples`` renders from it)."""
    return cast(StoredReferral, Referral(referral_id, **attributes))


def create_with_message(referral: StoredReferral, message: StoredMessage) -> bool:
    """A new referral and its first message in one transaction; False if it already exists."""

    def write() -> None:
        with transaction() as batch:
            batch.save(own(referral, Referral), condition=Referral.referral_id.does_not_exist())
            batch.save(own(message, Message), condition=Message.message_id.does_not_exist())

    return applied(write)


# --- sending -------------------------------------------------------------------------------------
def mark_sent_with_message(
    message: StoredMessage, claim: str, message_actions: list[Any], referral_actions: list[Any],
    notice: StoredMessage | None,
) -> bool:  # fmt: skip
    """One transaction: message ``sent`` (our claim), its referral ``sent``, the notice queued."""

    def write() -> None:
        with transaction() as batch:
            batch.update(own(message, Message), actions=message_actions,
                         condition=Message.claim_id == claim)  # fmt: skip
            batch.update(Referral(message.referral_id), actions=referral_actions,
                         condition=SENT_CONDITION)  # fmt: skip
            if notice is not None:
                batch.save(own(notice, Message))

    return applied(write)


def sent_actions(
    channel: str, now: datetime, *, ack_ttl_days: int, followup_at: datetime
) -> list[Any]:
    """What ``mark_sent`` writes on the referral, in the message's transaction."""
    return [
        Referral.status.set(ReferralStatus.SENT),
        Referral.sent_at.set(iso(now)),
        Referral.channel.set(channel),
        Referral.token_expires_at.set(iso(now + timedelta(days=ack_ttl_days))),
        Referral.followup_at.set(iso(followup_at)),
        Referral.followup_stage.set(FollowupStage.REMINDER),
        Referral.awaiting_since.set(iso(now)),
        history_action(ReferralStatus.SENT, now),
    ]


SENT_CONDITION = Referral.status == ReferralStatus.PENDING


def mark_riding_sent(
    referral_id: str,
    channel: str,
    now: datetime,
    *,
    ack_ttl_days: int,
    reminder_at: datetime,
) -> bool:
    """An interview invitation that rode in its referral's email went out with it; its own
    follow-ups start at ``reminder_at``. False when it was cancelled meanwhile."""
    actions = sent_actions(channel, now, ack_ttl_days=ack_ttl_days, followup_at=reminder_at)
    return applied(lambda: Referral(referral_id).update(actions=actions, condition=SENT_CONDITION))


def _no_longer_awaited() -> list[Any]:
    return [Referral.followup_at.remove(), Referral.awaiting_since.remove()]


def give_up(referral_id: str, status: ReferralStatus, code: str, now: datetime) -> bool:
    """Its message will not arrive (``undeliverable``, ``failed``). An answer always wins: a
    referral once answered keeps its status whatever event comes late (SPEC §6)."""
    return applied(
        lambda: Referral(referral_id).update(
            actions=[
                Referral.status.set(status),
                *_no_longer_awaited(),
                history_action(status, now, code),
            ],
            condition=Referral.status.is_in(*FAILABLE) & Referral.answered_at.does_not_exist(),
        )
    )


# --- follow-ups ----------------------------------------------------------------------------------
def advance_followup(
    referral: StoredReferral,
    stage: FollowupStage,
    expected: tuple[ReferralStatus, ...],
    now: datetime,
    *,
    next_at: datetime | None,
) -> bool:
    """Record that ``stage`` was done and move to the next one (reminder → escalation → none).
    Conditional on the follow-up read: a newer one (a partner changing its answer meanwhile) is
    left for the next run."""
    actions: list[Any] = []
    if stage != FollowupStage.ANSWERED:  # the answer itself is already in the history
        noted = ReferralStatus.ESCALATED if stage == FollowupStage.ESCALATION else stage
        actions.append(history_action(noted, now))
    if stage == FollowupStage.REMINDER and next_at is not None:
        actions += [
            Referral.followup_at.set(iso(next_at)),
            Referral.followup_stage.set(FollowupStage.ESCALATION),
        ]
    else:
        actions += [Referral.followup_at.remove(), Referral.followup_stage.remove()]
    if stage == FollowupStage.ESCALATION:
        actions.append(Referral.status.set(ReferralStatus.ESCALATED))
    return applied(
        lambda: own(referral, Referral).update(
            actions=actions,
            condition=(Referral.followup_stage == stage)
            & (Referral.followup_at == referral.followup_at)
            & Referral.status.is_in(*expected),
        )
    )


def stop_followups(referral: StoredReferral, now: datetime) -> bool:
    """The youth left: no more reminder or escalation, the referral stays answerable. The stage
    is kept, so that ``resume_followups`` knows where it was."""
    return applied(
        lambda: own(referral, Referral).update(
            actions=[Referral.followup_at.remove(), history_action("followups_stopped", now)],
            condition=Referral.status.is_in(*AWAITING_ANSWER) & Referral.followup_at.exists(),
        )
    )


def resume_followups(referral: StoredReferral, now: datetime) -> bool:
    """The youth came back: the follow-ups stopped by its exit go on (due now)."""
    return applied(
        lambda: own(referral, Referral).update(
            actions=[Referral.followup_at.set(iso(now)), history_action("followups_resumed", now)],
            condition=Referral.status.is_in(*AWAITING_ANSWER)
            & Referral.followup_at.does_not_exist()
            & Referral.followup_stage.is_in(FollowupStage.REMINDER, FollowupStage.ESCALATION),
        )
    )


# --- other changes -------------------------------------------------------------------------------
def cancel_unsent(referral: StoredReferral, now: datetime, note: str) -> bool:
    return applied(
        lambda: own(referral, Referral).update(
            actions=[
                Referral.status.set(ReferralStatus.CANCELLED),
                history_action(ReferralStatus.CANCELLED, now, note),
            ],
            condition=Referral.status.is_in(*UNSENT),
        )
    )


def redirect(referral: StoredReferral, now: datetime, note: str) -> bool:
    """Its partner is no longer the competent one (directory change) and has not answered."""
    return applied(
        lambda: own(referral, Referral).update(
            actions=[
                Referral.status.set(ReferralStatus.REDIRECTED),
                *_no_longer_awaited(),
                Referral.followup_stage.remove(),
                history_action(ReferralStatus.REDIRECTED, now, note),
            ],
            condition=Referral.status.is_in(*AWAITING_ANSWER),
        )
    )


def reschedule_invitation(
    referral_id: str, sequence: int, view: Snapshot, now: datetime, *, cancel: bool
) -> bool:
    """The interview moved (or was cancelled): a new calendar sequence and what it shows."""
    actions = [
        Referral.sequence.set(sequence),
        Referral.snapshot.set(view.to_item()),
        history_action(ReferralStatus.CANCELLED if cancel else "rescheduled", now),
    ]
    if cancel:
        actions += [Referral.status.set(ReferralStatus.CANCELLED), *_no_longer_awaited()]
    return applied(
        lambda: Referral(referral_id).update(
            actions=actions, condition=Referral.referral_id.exists()
        )
    )


def follow_youth(
    referral: StoredReferral, *, snapshot: Snapshot | None, expires_at: datetime | None
) -> bool:
    """The referral shows what the youth's record says now (consent withdrawn, contact removed)
    and expires with the youth."""
    actions: list[Any] = [Referral.expires_at.set(expires_at)] if expires_at else []
    if snapshot is not None:
        actions.append(Referral.snapshot.set(snapshot.to_item()))
    if not actions:
        return False
    item = own(referral, Referral)
    return applied(lambda: item.update(actions=actions, condition=Referral.referral_id.exists()))


def is_answered(referral: StoredReferral) -> bool:
    return referral.status in ANSWERED or bool(referral.answered_at)


# --- erasure -------------------------------------------------------------------------------------
ERASED_ID = ""  # never a roster id (id_externe is required)


def erase(referral: StoredReferral, now: datetime) -> bool:
    """Replace the referral by an anonymous copy under a new random id (one transaction: delete +
    put), keeping only what the department report counts (kind, partner, channel, status, dates,
    the answer code): no snapshot, token, comment, note or file number. A pending referral
    becomes ``cancelled``. True when it was cancelled on the way."""
    cancel = referral.status in UNSENT
    history = [StatusChange(change.at, change.status) for change in referral.status_changes()]
    if cancel:
        history.append(StatusChange(iso(now), ReferralStatus.CANCELLED))
    history.append(StatusChange(iso(now), "erased"))
    answer = referral.current_answer()
    new_id = "ref_" + secrets.token_hex(16)
    copy = Referral(
        new_id,
        department=referral.department,
        id_externe=ERASED_ID,
        youth_key=f"erased#{new_id}",
        kind=referral.kind,
        partner_type=referral.partner_type,
        partner_id=referral.partner_id,
        channel=referral.channel,
        status=ReferralStatus.CANCELLED if cancel else referral.status,
        history=[change.to_item() for change in history],
        created_at=referral.created_at,
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        answer=AnswerEntry(answer.reponse).to_item() if answer is not None else None,
        snapshot=referral.snapshot_view().anonymous().to_item(),
        sequence=int(referral.sequence or 0),
        expires_at=referral.expires_at,
    )

    def write() -> None:
        with transaction() as batch:
            batch.delete(Referral(referral.referral_id), condition=Referral.referral_id.exists())
            batch.save(copy, condition=Referral.referral_id.does_not_exist())

    # a concurrent erasure that replaced it first leaves one anonymous copy only
    return applied(write) and cancel

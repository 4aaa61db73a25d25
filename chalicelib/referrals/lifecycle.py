"""What a youth's life on the roster does to its referrals (SPEC §6, lifecycle rules).

* exit (absent from a full roster): unsent referrals are cancelled (and their messages), sent ones
  stay answerable but their reminders and escalation stop, a future interview invitation is
  cancelled (the partner receives the ``.ics`` CANCEL, which says why); partners who have the
  youth hear of it once (``exit_notice``); what was cancelled is forgotten by the youth's
  schedule, whose generation goes up, so that a return refers the youth anew (new ids);
* return: the follow-ups stopped by the exit go on; the scan creates what is due again;
* erasure: like an exit for the interview, whose CANCEL is queued without the youth's data
  (``invitations.cancel_erased``) before ``roster.erasure`` deletes the rest;
* record change: open referrals and their pending messages show the youth's contact only as the
  roster now allows (consent withdrawn, contact removed), and everything expires with the youth:
  referrals, messages, the alerts naming it and the daily digests that listed those.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.alerts import raising
from chalicelib.domain import clock, ids
from chalicelib.domain.enums import AWAITING_ANSWER, Kind, ReferralStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredDepartment, StoredReferral, StoredYouth
from chalicelib.domain.youth import YouthRecord
from chalicelib.referrals import exit_notice, invitations
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store import youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain

CLOSED = (ReferralStatus.CANCELLED,)
EXITED = "youth_exited"  # why an interview is cancelled, as its CANCEL says
# the partner never had the event, or was already told it is off
NOT_IN_CALENDAR = (ReferralStatus.CANCELLED, ReferralStatus.UNDELIVERABLE, ReferralStatus.FAILED)


def on_exit(department: StoredDepartment, youth: StoredYouth, today: date, now: datetime) -> int:
    """Apply the exit to the youth's referrals; return how many were cancelled."""
    schedule = youth_store.schedule_of(youth)
    referrals = referral_store.of_youth(department.code, youth.id_externe)
    # partners who have the youth hear of it once (read before the exit changes anything)
    exit_notice.queue(department, youth, referrals, schedule.invitation, today, now)
    cancelled = 0
    _alerts_follow(youth, referrals)
    for referral in referrals:
        if referral.status == ReferralStatus.PENDING:
            cancelled += _cancel(referral, schedule, now)
        elif referral.status in AWAITING_ANSWER:
            referral_store.stop_followups(referral, now)
        referral_store.follow_youth(referral, snapshot=None, expires_at=youth.expires_at)
    cancelled += _cancel_invitation(department, youth, schedule, today, now)
    for message in _messages_of(youth):
        message_store.follow_youth(message, snapshot=None, expires_at=youth.expires_at)
    if cancelled:
        schedule.generation += 1
        youth_store.replace_schedule(youth, schedule)
    if any(youth_flags.held(youth).values()):  # an exited youth leaves the flag views
        youth_flags.refresh(youth.department, youth.id_externe)
    return cancelled


def _cancel(referral: StoredReferral, schedule: Schedule, now: datetime) -> int:
    if not referral_store.cancel_unsent(referral, now, "youth_exited"):
        return 0
    message_store.cancel(ids.message_id(referral.referral_id, "initial"), now)
    schedule.forget(Kind(referral.kind), referral.referral_id)
    return 1


def _cancel_invitation(
    department: StoredDepartment, youth: StoredYouth, schedule: Schedule, today: date, now: datetime
) -> int:
    """A future interview the partner was invited to is cancelled (the CANCEL is sent)."""
    state = schedule.invitation
    if state is None:
        return 0
    if not state.cancelled and _is_future(state.event, today):
        referral = referral_store.get(state.referral_id, now)
        if referral is not None and referral.status != ReferralStatus.CANCELLED:
            view = referral.snapshot_view()
            invitations.cancel(
                department, youth, view.partner.route(), view, state, now, reason=EXITED
            )
    schedule.invitation = None  # a return invites anew, as a new event
    return 1


def on_erasure(department: StoredDepartment, youth: StoredYouth, now: datetime) -> int:
    """The youth is being erased (an exit, SPEC §6): a future interview the mission locale was
    sent is cancelled (the CANCEL is queued, without the youth's data); return 1 if it was.
    An invitation never sent (pending, riding in an unsent email, undeliverable) or already
    cancelled needs none: erasure deletes its messages; a past interview neither."""
    state = youth_store.schedule_of(youth).invitation
    today = clock.local_today(department.code, now)
    if state is None or state.cancelled or not _is_future(state.event, today):
        return 0
    referral = referral_store.get(state.referral_id, now, consistent=True)
    if referral is None or not referral.sent_at or referral.status in NOT_IN_CALENDAR:
        return 0
    email = referral.snapshot_view().partner.route().email
    if not email:
        return 0
    return int(invitations.cancel_erased(department, referral, state, email, now))


def _is_future(event: dict[str, Any] | None, today: date) -> bool:
    if not event or not event.get("date"):
        return False
    return date.fromisoformat(str(event["date"])) >= today


def on_return(youth: StoredYouth, now: datetime) -> int:
    """The youth is back: follow-ups stopped by its exit go on; return how many."""
    resumed = 0
    referrals = referral_store.of_youth(youth.department, youth.id_externe)
    _alerts_follow(youth, referrals)
    for referral in referrals:
        if referral_store.resume_followups(referral, now):
            resumed += 1
        referral_store.follow_youth(referral, snapshot=None, expires_at=youth.expires_at)
    youth_flags.refresh(youth.department, youth.id_externe)  # followed again: its flags count
    return resumed


def on_record_change(
    before: YouthRecord | None, youth: StoredYouth, expires_before: datetime | None
) -> int:
    """The roster changed the youth: apply consent and contact to what partners see, and the
    youth's expiry to its referrals and messages. Reads nothing when neither changed."""
    record = youth_store.record_of(youth)
    contact_changed = before is None or _contact(before) != _contact(record)
    if not contact_changed and expires_before == youth.expires_at:
        return 0
    changed = 0
    referrals = referral_store.of_youth(youth.department, youth.id_externe)
    if before is not None and expires_before != youth.expires_at:
        _alerts_follow(youth, referrals)  # a new youth has no alert yet
    for referral in referrals:
        snapshot = _with_contact(referral.snapshot_view(), record) if contact_changed else None
        changed += int(
            referral_store.follow_youth(referral, snapshot=snapshot, expires_at=youth.expires_at)
        )
    for message in _messages_of(youth):
        stored = (plain(message.context) or {}).get("snapshot")
        snapshot = _with_contact(Snapshot.from_item(stored), record) if stored else None
        message_store.follow_youth(message, snapshot=snapshot, expires_at=youth.expires_at)
    return changed


def _alerts_follow(youth: StoredYouth, referrals: list[StoredReferral]) -> None:
    if youth.expires_at is None:
        return
    ids_ = [referral.referral_id for referral in referrals]
    digests = raising.follow_youth(youth.department, youth.id_externe, ids_, youth.expires_at)
    message_store.expire_by(digests, youth.expires_at)


def _contact(record: YouthRecord) -> tuple[str | None, str | None]:
    return record.shared_phone, record.shared_email


def _with_contact(snapshot: Snapshot, record: YouthRecord) -> Snapshot | None:
    return snapshot.with_contact(record.shared_phone, record.shared_email)


def _messages_of(youth: StoredYouth) -> list[Any]:
    found = message_store.of_youth(ids.youth_key(youth.department, youth.id_externe))
    return message_store.get_many([m.message_id for m in found]) if found else []

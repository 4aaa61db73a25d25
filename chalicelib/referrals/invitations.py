"""Interview invitations (``entretien``): one referral per youth and mission locale, an ``.ics``
with a stable UID, SEQUENCE raised at each change of date or place, METHOD:CANCEL when removed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain import ids
from chalicelib.domain.enums import Channel, Kind
from chalicelib.domain.routing import Route
from chalicelib.domain.schedule import Invitation
from chalicelib.domain.snapshot import Interview, Snapshot
from chalicelib.domain.stored import StoredDepartment, StoredReferral, StoredYouth
from chalicelib.referrals import factory, snapshot
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store


def calendar_uid(referral_id: str) -> str:
    return f"{referral_id}@relais-ase"


def schedule(
    department: StoredDepartment,
    youth: StoredYouth,
    route: Route,
    view: Snapshot,
    state: Invitation | None,
    operation: str,
    now: datetime,
    *,
    fingerprint: str | None,
    generation: int = 0,
    held: bool = False,
) -> Invitation | None:
    """Create, update or cancel the invitation; return the youth's new invitation state.
    ``held``: a new invitation rides in the mission-locale referral going out today (one email)."""
    if state is None or state.partner_id != route.partner_id:
        if operation == "cancel":
            return replace(state, cancelled=True) if state else None
        ics = {"sequence": 0, "method": "REQUEST", "event": _event(view)}
        referral_id, _ = factory.open_referral(
            department,
            youth,
            Kind.ENTRETIEN,
            route,
            view,
            now,
            generation=generation,
            extra_context={"ics": ics},
            held=held,
        )
        return _state(referral_id, route, fingerprint, 0, event=_event(view), cancelled=False)
    if operation == "cancel":
        return cancel(department, youth, route, view, state, now)
    sequence = _send(department, youth, route, view, state, now, method="REQUEST")
    referral_store.reschedule_invitation(state.referral_id, sequence, view, now, cancel=False)
    return _state(
        state.referral_id, route, fingerprint, sequence, event=_event(view), cancelled=False
    )


def cancel(
    department: StoredDepartment,
    youth: StoredYouth,
    route: Route,
    view: Snapshot,
    state: Invitation,
    now: datetime,
    *,
    reason: str | None = None,
) -> Invitation:
    """The interview is off (date removed, youth left): the partner receives a CANCEL of the very
    event it was sent, with that event's own date and time, and why (``reason``: the youth
    left, ``lifecycle.EXITED``; none when only the date was removed)."""
    sent = _sent_event(state)
    cancelled_view = view.with_interview(Interview.from_item(sent) if sent else None)
    sequence = _send(
        department, youth, route, cancelled_view, state, now, method="CANCEL", reason=reason
    )
    referral_store.reschedule_invitation(
        state.referral_id, sequence, cancelled_view, now, cancel=True
    )
    return _state(state.referral_id, route, state.fingerprint, sequence, event=sent, cancelled=True)


def cancel_erased(
    department: StoredDepartment,
    referral: StoredReferral,
    state: Invitation,
    email: str,
    now: datetime,
) -> bool:
    """The youth is being erased: the mission locale still has the interview in its calendar
    (SPEC §6: an erased youth exits). The CANCEL is composed with the minimum SPEC §7 asks of
    a cancellation (the event's DTSTART/DTEND, place, the calendar UID, who cancels, to whom):
    no name, file number or referent; the calendar client finds the event by its UID, the
    advisor by its date and place. It carries no ``youth_key`` (erasure deletes what follows)
    and is deleted once sent or given up (``store.messages.forget``); its short TTL is only the
    backstop. The referral is cancelled first, so its anonymous copy counts as cancelled."""
    sequence = state.sequence + 1
    event = _sent_event(state)
    view = referral.snapshot_view()
    message = message_store.new(
        message_id=ids.message_id(referral.referral_id, ("invite", sequence)),
        department=department.code,
        purpose=message_store.ERASURE_CANCEL,
        template="entretien_cancel",
        channel=Channel.EMAIL,
        recipients=[email],
        context={
            "referral_id": referral.referral_id,  # the calendar UID, nothing else
            "department": snapshot.department_view(department).to_item(),
            "partner": view.partner.to_item(),
            "ics": {"sequence": sequence, "method": "CANCEL", "event": event},
        },
        now=now,
        expires_at=now + message_store.ERASURE_CANCEL_TTL,
    )
    queued = message_store.enqueue(message)
    # cancelled after the CANCEL is queued: an interrupted erasure asked again queues it still
    referral_store.reschedule_invitation(referral.referral_id, sequence, view, now, cancel=True)
    return queued


def _send(
    department: StoredDepartment,
    youth: StoredYouth,
    route: Route,
    view: Snapshot,
    state: Invitation,
    now: datetime,
    *,
    method: str,
    reason: str | None = None,
) -> int:
    sequence = state.sequence + 1
    referral = factory.ReferralRef(
        state.referral_id,
        Kind.ENTRETIEN,
        ids.youth_key(department.code, youth.id_externe),
        youth.expires_at,
    )
    message = factory.partner_message(
        department,
        referral,
        route,
        view,
        now,
        key=("invite", sequence),
        template="entretien_cancel" if method == "CANCEL" else "entretien_invitation",
        purpose="invitation",
        extra={
            # a CANCEL carries the event it cancels (its own DTSTART/DTEND)
            "ics": {"sequence": sequence, "method": method, "event": _event(view)},
            "is_update": True,
            **({"reason": reason} if reason else {}),
        },
    )
    message_store.enqueue(message)
    return sequence


def _event(view: Snapshot) -> dict[str, Any] | None:
    interview = view.interview()
    return interview.to_item() if interview is not None else None


def _sent_event(state: Invitation) -> dict[str, Any] | None:
    """The event as the partner has it (invitations stored before ``event`` existed: read back
    from the referral's snapshot)."""
    if state.event is not None:
        return dict(state.event)
    referral = referral_store.get(state.referral_id, now=None)
    return _event(referral.snapshot_view()) if referral is not None else None


def _state(
    referral_id: str,
    route: Route,
    fingerprint: str | None,
    sequence: int,
    *,
    event: dict[str, Any] | None,
    cancelled: bool,
) -> Invitation:
    return Invitation(
        referral_id=referral_id,
        partner_id=route.partner_id,
        fingerprint=fingerprint,
        sequence=sequence,
        cancelled=cancelled,
        message=ids.message_id(referral_id, ("invite", sequence)),
        event=event,
    )


def riding(state: Invitation) -> dict[str, Any]:
    """What a referral email carrying this new invitation needs (its referral and ``.ics``)."""
    return {
        "referral_id": state.referral_id,
        "ics": {"sequence": 0, "method": "REQUEST", "event": state.event},
    }

"""Interview invitations (``entretien``): one referral per youth and mission locale, an ``.ics``
with a stable UID, SEQUENCE raised at each change of date or place, METHOD:CANCEL when removed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import ids
from chalicelib.domain.enums import Kind, ReferralStatus
from chalicelib.domain.schedule import Invitation
from chalicelib.referrals import factory, lifecycle
from chalicelib.routing.rules import Route
from chalicelib.store.models import Department, Referral, Youth


def calendar_uid(referral_id: str) -> str:
    return f"{referral_id}@relais-ase"


def schedule(
    department: Department,
    youth: Youth,
    route: Route,
    view: dict,
    state: Invitation | None,
    operation: str,
    now: datetime,
    *,
    fingerprint: str | None,
) -> Invitation | None:
    """Create, update or cancel the invitation; return the youth's new invitation state."""
    if state is None or state.partner_id != route.partner_id:
        if operation == "cancel":
            return replace(state, cancelled=True) if state else None
        ics = {"sequence": 0, "method": "REQUEST"}
        referral_id, _ = factory.open_referral(
            department, youth, Kind.ENTRETIEN, route, view, now, extra_context={"ics": ics}
        )
        return _state(referral_id, route, fingerprint, 0, cancelled=False)
    referral_id = state.referral_id
    sequence = state.sequence + 1
    cancel = operation == "cancel"
    message = factory.partner_message(
        department,
        referral_id,
        Kind.ENTRETIEN,
        route,
        view,
        now,
        key=("invite", sequence),
        template="entretien_cancel" if cancel else "entretien_invitation",
        purpose="invitation",
        extra={
            "ics": {"sequence": sequence, "method": "CANCEL" if cancel else "REQUEST"},
            "is_update": True,
        },
    )
    lifecycle.enqueue(message)
    status_note = ReferralStatus.CANCELLED if cancel else "rescheduled"
    actions = [
        Referral.sequence.set(sequence),
        Referral.snapshot.set(view),
        Referral.history.set(Referral.history.append([lifecycle.entry(status_note, now)])),
    ]
    if cancel:
        actions.append(Referral.status.set(ReferralStatus.CANCELLED))
        actions.append(Referral.followup_at.remove())
    Referral(referral_id).update(actions=actions)
    return _state(referral_id, route, fingerprint, sequence, cancelled=cancel)


def _state(
    referral_id: str, route: Route, fingerprint: str | None, sequence: int, *, cancelled: bool
) -> Invitation:
    return Invitation(
        referral_id=referral_id,
        partner_id=route.partner_id,
        fingerprint=fingerprint,
        sequence=sequence,
        cancelled=cancelled,
        message=ids.message_id(referral_id, ("invite", sequence)),
    )

"""Interview invitations (``entretien``): one referral per youth and mission locale, an ``.ics``
with a stable UID, SEQUENCE raised at each change of date or place, METHOD:CANCEL when removed."""

from __future__ import annotations

from datetime import datetime

from chalicelib.referrals import factory, ids, lifecycle
from chalicelib.routing.rules import Route
from chalicelib.scheduling import rules
from chalicelib.store.models import Department, Referral, Youth


def calendar_uid(referral_id: str) -> str:
    return f"{referral_id}@relais-ase"


def schedule(
    department: Department,
    youth: Youth,
    route: Route,
    view: dict,
    state: dict | None,
    operation: str,
    now: datetime,
    *,
    fingerprint: str | None,
    held: bool = False,
) -> dict:
    """Create, update or cancel the invitation; return the youth's new ``entretien`` state.
    ``held``: a new invitation rides in the mission-locale referral going out today (one email)."""
    if state is None or state.get("partner_id") != route.partner_id:
        if operation == "cancel":
            return {**(state or {}), "cancelled": True}
        event = view["youth"].get("entretien")
        ics = {"sequence": 0, "method": "REQUEST", "event": event}
        referral_id, _ = factory.open_referral(
            department,
            youth,
            rules.ENTRETIEN,
            route,
            view,
            now,
            extra_context={"ics": ics},
            held=held,
        )
        return _state(referral_id, route, fingerprint, 0, cancelled=False, event=event)
    return _change(department, route, view, state, operation == "cancel", now, fingerprint)


def _change(
    department: Department,
    route: Route,
    view: dict,
    state: dict,
    cancel: bool,
    now: datetime,
    fingerprint: str | None,
) -> dict:
    """A new date or place (same UID, next SEQUENCE), or the cancellation."""
    referral_id = state["referral_id"]
    sequence = int(state.get("sequence", 0)) + 1
    # A CANCEL carries the event it cancels (its own DTSTART/DTEND), not the roster's new state
    event = _last_event(state) if cancel else view["youth"].get("entretien")
    ics = {"sequence": sequence, "method": "CANCEL" if cancel else "REQUEST", "event": event}
    message = factory.partner_message(
        department, referral_id, rules.ENTRETIEN, route, view, now, key=("invite", sequence),
        template="entretien_cancel" if cancel else "entretien_invitation", purpose="invitation",
        extra={"ics": ics, "is_update": True},
    )  # fmt: skip
    lifecycle.enqueue(message)
    status_note = "cancelled" if cancel else "rescheduled"
    actions = [
        Referral.sequence.set(sequence),
        Referral.snapshot.set(view),
        Referral.history.set(Referral.history.append([lifecycle.entry(status_note, now)])),
    ]
    if cancel:
        actions.append(Referral.status.set("cancelled"))
        actions.append(Referral.followup_at.remove())
    Referral(referral_id).update(actions=actions)
    return _state(referral_id, route, fingerprint, sequence, cancelled=cancel, event=event)


def _last_event(state: dict) -> dict | None:
    """The interview the partner was last invited to (kept in the youth's schedule; older
    schedules did not keep it: the referral's snapshot still has it)."""
    if state.get("event"):
        return state["event"]
    try:
        snapshot = Referral.get(state["referral_id"]).snapshot.as_dict()
    except Referral.DoesNotExist:
        return None
    return (snapshot.get("youth") or {}).get("entretien")


def _state(
    referral_id: str,
    route: Route,
    fingerprint: str | None,
    sequence: int,
    *,
    cancelled: bool,
    event: dict | None = None,
) -> dict:
    return {
        "event": event,
        "referral_id": referral_id,
        "partner_id": route.partner_id,
        "fingerprint": fingerprint,
        "sequence": sequence,
        "cancelled": cancelled,
        "message": ids.message_id(referral_id, ("invite", sequence)),
    }


def riding(state: dict) -> dict:
    """What a referral email carrying this new invitation needs (its referral and ``.ics``)."""
    return {
        "referral_id": state["referral_id"],
        "ics": {"sequence": 0, "method": "REQUEST", "event": state.get("event")},
    }

"""Partners hear an exit (SPEC §6, v3): a structure that accepted a youth, or was sent a referral
it has not answered, gets ONE short notice when the youth leaves the roster — first name and
initial, "n'est plus suivi(e) par l'ASE du département", whom to call (the department).

Queued through the ordinary dispatch (claim, pacing, retries, the partner's channel), with a
deterministic id per (youth, partner): however often the exit is applied, re-uploaded or retried,
the partner hears it once. A partner whose interview invitation is being cancelled by the same
exit gets no notice: the ``.ics`` CANCEL says why (``reason``), and one partner gets at most one
message per youth per day (SPEC §7). Not on erasure: the erased youth's CANCEL carries no data.

The notice stands alone (no ``referral_id``): its failure never changes a referral or raises a
partner alert; it carries the youth's ``youth_key`` so that erasure deletes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from chalicelib.domain import ids
from chalicelib.domain.enums import AWAITING_ANSWER, Channel, Kind, ReferralStatus
from chalicelib.domain.labels import REFERRAL_TITLES
from chalicelib.domain.schedule import Invitation
from chalicelib.domain.stored import StoredDepartment, StoredReferral, StoredYouth
from chalicelib.referrals import factory, snapshot
from chalicelib.store import messages as message_store

PURPOSE = TEMPLATE = "exit_notice"
# the partner has the youth: it accepted, or it was sent the referral and has not answered
TOLD = (ReferralStatus.ACKNOWLEDGED, *AWAITING_ANSWER)
UNSENT = (ReferralStatus.PENDING, ReferralStatus.CANCELLED)


def message_id(department: str, id_externe: str, partner_id: str) -> str:
    return ids.message_id(ids.youth_key(department, id_externe), PURPOSE, partner_id)


def queue(
    department: StoredDepartment,
    youth: StoredYouth,
    referrals: Iterable[StoredReferral],
    invitation: Invitation | None,
    today: date,
    now: datetime,
) -> int:
    """Queue the notices of this exit (read the referrals BEFORE the exit changes them); return
    how many were new."""
    referrals = sorted(referrals, key=lambda r: r.referral_id)
    by_partner: dict[str, list[StoredReferral]] = {}
    for referral in referrals:
        if referral.status in TOLD:
            by_partner.setdefault(referral.partner_id, []).append(referral)
    cancelled = _partner_getting_a_cancel(invitation, referrals, today)
    queued = 0
    for partner_id, told in by_partner.items():
        if partner_id != cancelled:
            queued += int(message_store.enqueue(_notice(department, youth, told, now)))
    return queued


def _partner_getting_a_cancel(
    invitation: Invitation | None, referrals: list[StoredReferral], today: date
) -> str | None:
    """The partner this exit sends an interview CANCEL to, as ``lifecycle._cancel_invitation``
    decides: a future event whose referral was neither pending (cancelled unsent) nor cancelled."""
    if invitation is None or invitation.cancelled or not invitation.event:
        return None
    if date.fromisoformat(str(invitation.event.get("date") or "0001-01-01")[:10]) < today:
        return None
    for referral in referrals:
        if referral.referral_id == invitation.referral_id and referral.status not in UNSENT:
            return invitation.partner_id
    return None


def _notice(
    department: StoredDepartment, youth: StoredYouth, told: list[StoredReferral], now: datetime
) -> Any:
    route = told[0].snapshot_view().partner.route()
    # a notice carries no .ics: the partner's own channel, whatever the referral's kind
    channel, fallback = factory.channels(route, Kind.MISSION_LOCALE)
    address = {Channel.EMAIL: route.email, Channel.SMS: route.telephone}
    return message_store.new(
        message_id=message_id(department.code, youth.id_externe, route.partner_id),
        department=department.code,
        youth_key=ids.youth_key(department.code, youth.id_externe),
        purpose=PURPOSE,
        template=TEMPLATE,
        channel=channel,
        recipients=[address[channel] or ""],
        fallback_channel=fallback,
        fallback_recipients=[address[fallback] or ""] if fallback else None,
        context=notice_context(department, told),
        now=now,
        expires_at=youth.expires_at,
    )


def notice_context(department: StoredDepartment, told: list[StoredReferral]) -> dict[str, Any]:
    """The least the partner needs: who (first name, initial), what it had, whom to call."""
    view = told[0].snapshot_view()
    person = view.youth
    return {
        "department": snapshot.department_view(department).to_item(),
        "youth": {
            "prenom": person.prenom if person else None,
            "initiale": person.initiale if person else None,
        },
        "partner": {"nom": view.partner.nom},
        "requests": [_request(referral) for referral in told],
    }


def _request(referral: StoredReferral) -> dict[str, Any]:
    return {
        "kind_label": REFERRAL_TITLES[referral.kind],
        "accepted": referral.status == ReferralStatus.ACKNOWLEDGED,
        "sent_on": (referral.sent_at or "")[:10] or None,
    }

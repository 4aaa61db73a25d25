"""Opening a referral: the referral item and its first message, written together exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import tokens
from chalicelib.domain import ids
from chalicelib.domain.enums import Channel, Kind
from chalicelib.domain.routing import Route
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredDepartment, StoredMessage, StoredReferral, StoredYouth
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store

EMAIL_TEMPLATES = {
    Kind.MISSION_LOCALE: "referral_mission_locale",
    Kind.HABITAT_JEUNES: "referral_habitat_jeunes",
    Kind.ENTRETIEN: "entretien_invitation",
}


def open_referral(
    department: StoredDepartment,
    youth: StoredYouth,
    kind: Kind,
    route: Route,
    view: Snapshot,
    now: datetime,
    *,
    generation: int = 0,
    extra_context: dict[str, Any] | None = None,
    held: bool = False,
) -> tuple[str, bool]:
    """The referral and its first message, written together once; (its id, whether new)."""
    referral_id = ids.referral_id(
        department.code, youth.id_externe, kind, route.partner_id, generation=generation
    )
    referral = referral_store.new(
        referral_id,
        department=department.code,
        id_externe=youth.id_externe,
        kind=kind,
        route=route,
        token_hash=tokens.hash_token(tokens.token_for(referral_id)),
        snapshot=view,
        now=now,
        expires_at=youth.expires_at,
    )
    message = partner_message(
        department,
        referral,
        route,
        view,
        now,
        key="initial",
        extra=extra_context,
        held=held,
    )
    return referral_id, referral_store.create_with_message(referral, message)


@dataclass(frozen=True)
class ReferralRef:
    """What a partner message needs to know of its referral (a stored referral also fits)."""

    referral_id: str
    kind: str
    youth_key: str
    expires_at: datetime | None


def partner_message(
    department: StoredDepartment,
    referral: StoredReferral | ReferralRef,
    route: Route,
    view: Snapshot,
    now: datetime,
    *,
    key: object,
    template: str | None = None,
    purpose: str = "referral",
    extra: dict[str, Any] | None = None,
    held: bool = False,
) -> StoredMessage:
    """A message to the partner about a referral, on its channel, with the other as fallback."""
    carries_ics = bool(route.email and (extra or {}).get("invitation"))
    channel, fallback = channels(route, Kind(referral.kind), carries_ics=carries_ics)
    address = {Channel.EMAIL: route.email, Channel.SMS: route.telephone}
    return message_store.new(
        message_id=ids.message_id(referral.referral_id, key),
        department=department.code,
        referral_id=referral.referral_id,
        youth_key=referral.youth_key,
        purpose=purpose,
        template=template or EMAIL_TEMPLATES[Kind(referral.kind)],
        channel=channel,
        recipients=[address[channel] or ""],
        fallback_channel=fallback,
        fallback_recipients=[address[fallback] or ""] if fallback else None,
        context={"referral_id": referral.referral_id, "snapshot": view.to_item(), **(extra or {})},
        now=now,
        expires_at=referral.expires_at,
        held=held,
    )


def channels(
    route: Route, kind: Kind, *, carries_ics: bool = False
) -> tuple[Channel, Channel | None]:
    """The partner's channel first, the other as fallback; an invitation needs its .ics: email.
    A referral carrying an invitation goes by email first, but keeps the partner's SMS as its
    fallback (SPEC §6: the other channel is tried): the invitation, which cannot ride in an SMS,
    is then given up on its own (``delivery.outcomes``)."""
    if kind == Kind.ENTRETIEN:
        return Channel.EMAIL, None
    email_ok, sms_ok = bool(route.email), bool(route.telephone and route.telephone_mobile)
    prefers_sms = not carries_ics and (route.canal == Channel.SMS or not email_ok)
    channel = Channel.SMS if sms_ok and prefers_sms else Channel.EMAIL
    if channel == Channel.EMAIL:
        return channel, Channel.SMS if sms_ok else None
    return channel, Channel.EMAIL if email_ok else None

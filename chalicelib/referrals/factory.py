"""Opening a referral: the referral item and its first message, written together exactly once."""

from __future__ import annotations

from datetime import datetime

from chalicelib.ack import tokens
from chalicelib.domain import ids
from chalicelib.domain.clock import iso
from chalicelib.domain.enums import Channel, Kind, ReferralStatus
from chalicelib.referrals import lifecycle
from chalicelib.routing.rules import Route
from chalicelib.store.models import Department, Message, Referral, Youth

EMAIL_TEMPLATES = {
    Kind.MISSION_LOCALE: "referral_mission_locale",
    Kind.HABITAT_JEUNES: "referral_habitat_jeunes",
    Kind.ENTRETIEN: "entretien_invitation",
}


def open_referral(
    department: Department,
    youth: Youth,
    kind: str,
    route: Route,
    view: dict,
    now: datetime,
    *,
    extra_context: dict | None = None,
) -> tuple[str, bool]:
    referral_id = ids.referral_id(department.code, youth.id_externe, kind, route.partner_id)
    referral = Referral(
        referral_id,
        department=department.code,
        id_externe=youth.id_externe,
        youth_key=ids.youth_key(department.code, youth.id_externe),
        kind=kind,
        partner_type=route.partner_type,
        partner_id=route.partner_id,
        channel=route.canal,
        status=ReferralStatus.PENDING,
        history=[lifecycle.entry(ReferralStatus.PENDING, now)],
        created_at=iso(now),
        token_hash=tokens.hash_token(tokens.token_for(referral_id)),
        snapshot=view,
        expires_at=youth.expires_at,
    )
    message = partner_message(
        department, referral_id, kind, route, view, now, key="initial", extra=extra_context
    )
    return referral_id, lifecycle.create_with_message(referral, message)


def partner_message(
    department: Department,
    referral_id: str,
    kind: str,
    route: Route,
    view: dict,
    now: datetime,
    *,
    key: object,
    template: str | None = None,
    purpose: str = "referral",
    extra: dict | None = None,
) -> Message:
    """A message to the partner about a referral, on its channel, with the other as fallback."""
    email_ok, sms_ok = bool(route.email), bool(route.telephone and route.telephone_mobile)
    prefers_sms = route.canal == Channel.SMS or not email_ok
    channel = Channel.SMS if sms_ok and prefers_sms else Channel.EMAIL
    fallback: Channel | None = None
    if channel == Channel.EMAIL and sms_ok:
        fallback = Channel.SMS
    elif channel == Channel.SMS and email_ok:
        fallback = Channel.EMAIL
    address = {Channel.EMAIL: route.email, Channel.SMS: route.telephone}
    if kind == Kind.ENTRETIEN:  # an invitation needs its .ics: email only
        channel, fallback = Channel.EMAIL, None
    return lifecycle.new_message(
        message_id=ids.message_id(referral_id, key),
        department=department.code,
        referral_id=referral_id,
        purpose=purpose,
        template=template or EMAIL_TEMPLATES[kind],
        channel=channel,
        recipients=[address[channel] or ""],
        fallback_channel=fallback,
        fallback_recipients=[address[fallback] or ""] if fallback else None,
        context={"referral_id": referral_id, "snapshot": view, **(extra or {})},
        now=now,
    )

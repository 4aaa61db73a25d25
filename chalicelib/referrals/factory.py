"""Opening a referral: the referral item and its first message, written together exactly once."""

from __future__ import annotations

from datetime import datetime

from chalicelib.ack import tokens
from chalicelib.referrals import ids, lifecycle
from chalicelib.routing.rules import Route
from chalicelib.store.base import iso
from chalicelib.store.models import Department, Message, Referral, Youth

EMAIL_TEMPLATES = {
    "mission_locale": "referral_mission_locale",
    "habitat_jeunes": "referral_habitat_jeunes",
    "entretien": "entretien_invitation",
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
    held: bool = False,
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
        status="pending",
        history=[lifecycle.entry("pending", now)],
        created_at=iso(now),
        token_hash=tokens.hash_token(tokens.token_for(referral_id)),
        snapshot=view,
        expires_at=youth.expires_at,
    )
    message = partner_message(
        department, referral_id, kind, route, view, now, key="initial", extra=extra_context
    )
    if held:
        message.status, message.dispatch_at = lifecycle.HELD, None
        message.history = [lifecycle.entry(lifecycle.HELD, now)]
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
    channel = "sms" if sms_ok and (route.canal == "sms" or not email_ok) else "email"
    fallback = "sms" if channel == "email" and sms_ok else "email" if email_ok else None
    if fallback == channel:
        fallback = None
    address = {"email": route.email, "sms": route.telephone}
    # an invitation needs its .ics: email only (so does a referral carrying one)
    sms_forbidden = kind == "entretien" or bool(email_ok and (extra or {}).get("invitation"))
    if sms_forbidden:
        channel, fallback = "email", None
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

"""Turn a queued message into what a provider sends: contexts for the templates, then rendering.

Stored contexts hold plain JSON (ISO dates); templates get ``date`` objects and French labels.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib import tokens
from chalicelib.delivery.providers import Email
from chalicelib.domain import clock, geo
from chalicelib.domain.labels import KIND_LABELS, PART_LABELS, REFERRAL_TITLES
from chalicelib.domain.youth import age_on
from chalicelib.messages import render
from chalicelib.messages.ics import build_invitation, invitation_attachment
from chalicelib.referrals.invitations import calendar_uid

SMS_TEMPLATES = {"referral": "referral", "reminder": "reminder"}
DATE_KEYS = {"majority_date", "date", "sent_on", "expires_on"}
INTERVIEW_MINUTES = 60


def dated(value: Any) -> Any:
    """Plain stored JSON → template values: ISO strings under date keys become ``date``."""
    if isinstance(value, dict):
        return {
            key: date.fromisoformat(item[:10])
            if key in DATE_KEYS and isinstance(item, str) and item
            else dated(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [dated(item) for item in value]
    return value


def partner_context(context: dict, now: datetime, *, ack_url: str | None = None) -> dict:
    """The template context of a message or page about a referral (for its partner)."""
    snapshot = dated(context["snapshot"])
    department = snapshot["department"]
    youth = dict(snapshot["youth"])
    today = clock.local_today(department["code"], now)
    majority = youth["majority_date"]
    youth["age"] = age_on(majority.replace(year=majority.year - 18), today)
    youth["parts_not_secured"] = [PART_LABELS[p] for p in youth.get("parts_not_secured", [])]
    expires_on = context.get("expires_on") or (today + timedelta(days=department["ack_ttl_days"]))
    return {
        **{k: v for k, v in dated(context).items() if k not in ("snapshot", "ics")},
        "department": department,
        "youth": youth,
        "partner": snapshot["partner"],
        "kind": snapshot["kind"],
        "kind_label": REFERRAL_TITLES[snapshot["kind"]],  # the partner's view: what is asked
        "ack_url": ack_url or tokens.ack_url(context["referral_id"]),
        "expires_on": expires_on
        if isinstance(expires_on, date)
        else date.fromisoformat(expires_on),
    }


def template_context(stored: dict, now: datetime) -> dict:
    if "snapshot" in stored:
        return partner_context(stored, now)
    context: dict[str, Any] = dated(stored)
    if "kind" in context:
        context.setdefault("kind_label", KIND_LABELS[context["kind"]])
    return context


def email(template: str, stored: dict, recipients: list[str], now: datetime) -> Email:
    context = template_context(stored, now)
    attachments: tuple[render.Attachment, ...] = ()
    if "ics" in stored:
        attachments = (_invitation(stored, context),)
    rendered = render.render_email(template, context, attachments)
    return Email(
        recipients=recipients,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=rendered.attachments,
    )


def sms(purpose: str, stored: dict, now: datetime) -> str:
    return render.render_sms(SMS_TEMPLATES.get(purpose, "referral"), template_context(stored, now))


def _invitation(stored: dict, context: dict) -> render.Attachment:
    ics = stored["ics"]
    youth, department = context["youth"], context["department"]
    entretien = youth.get("entretien") or {}
    zone = clock.zone_of(department["code"])
    hour = time.fromisoformat(entretien["heure"]) if entretien.get("heure") else time(9, 0)
    day = entretien.get("date") or context["expires_on"]
    data = build_invitation(
        uid=calendar_uid(stored["referral_id"]),
        sequence=int(ics["sequence"]),
        method=ics["method"],
        start=datetime.combine(day, hour, tzinfo=zone),
        duration_minutes=INTERVIEW_MINUTES,
        summary=f"Entretien de préparation à la majorité — {youth['prenom']} {youth['initiale']}",
        location=entretien.get("lieu"),
        description=f"Invitation du département {department['name']} (Relais ASE).",
        organizer_email=department["contact_email"],
        attendee_email=(context["partner"].get("email") or department["contact_email"]),
        timezone=geo.timezone_of(department["code"]),
    )
    return invitation_attachment(data, ics["method"])

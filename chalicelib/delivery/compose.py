"""Turn a queued message into what a provider sends: contexts for the templates, then rendering.

Stored contexts hold plain JSON (ISO dates); templates get ``date`` objects and French labels.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib import tokens
from chalicelib.delivery import spaces
from chalicelib.delivery.providers import Email
from chalicelib.domain import clock, geo
from chalicelib.domain.labels import KIND_LABELS, PART_LABELS, REFERRAL_TITLES
from chalicelib.domain.youth import age_on
from chalicelib.messages import render
from chalicelib.messages.filters import dept_label
from chalicelib.messages.ics import build_invitation, invitation_attachment
from chalicelib.referrals.invitations import calendar_uid

SMS_TEMPLATES = {
    "referral": "referral",
    "reminder": "reminder",
    "exit_notice": "exit_notice",
    "youth_informed": "youth_informed",
}
# SMS to a person's own number: its opt-out (STOP) is checked before each one
CHECK_OPT_OUT = ("youth_informed",)
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
    department = {"contact_phone": None, **snapshot["department"]}
    today = clock.local_today(department["code"], now)
    youth = youth_view(snapshot["youth"], today)
    expires_on = context.get("expires_on") or (today + timedelta(days=department["ack_ttl_days"]))
    return {
        **{k: v for k, v in dated(context).items() if k not in ("snapshot", "ics", "invitation")},
        "department": department,
        "youth": youth,
        "partner": snapshot["partner"],
        "kind": snapshot["kind"],
        "kind_label": REFERRAL_TITLES[snapshot["kind"]],  # the partner's view: what is asked
        "ack_url": ack_url or tokens.ack_url(context["referral_id"]),
        "expires_on": expires_on
        if isinstance(expires_on, date)
        else date.fromisoformat(expires_on),
        "answer_by": answer_by(context, department, today),
        "event": interview_event(context, youth),
        "invitation_url": None,
    }


def interview_event(context: dict, youth: dict) -> dict | None:
    """The interview an invitation (or its cancellation) is about: the one the ``.ics`` carries,
    which for a CANCEL is the cancelled event, not whatever the roster now says."""
    stored = (context.get("ics") or {}).get("event")
    return dated(stored) if stored else youth.get("entretien")


def youth_view(stored: dict, today: date) -> dict:
    """The youth as partners read it: age and majority phrased for today, pathway by state."""
    youth = dict(stored)
    majority = youth["majority_date"]
    youth["age"] = age_on(majority.replace(year=majority.year - 18), today)
    youth["is_adult"] = today >= majority
    # L222-5-1: the interview is held by the 17th birthday; past it, the paragraph no longer applies
    youth["interview_due"] = youth["age"] < 17
    youth["parts_not_secured"] = [PART_LABELS[p] for p in youth.get("parts_not_secured", [])]
    youth["parts"] = parts_by_state(stored)
    return youth


def parts_by_state(youth: dict) -> dict[str, list[str]]:
    """``{"a_traiter": [...], "en_cours": [...]}`` in the six needs' order (labels)."""
    states = youth.get("parcours")
    if states is None:  # a snapshot from before states were kept: "not secured" is all it says
        return {"non_securise": [PART_LABELS[p] for p in youth.get("parts_not_secured", [])]}
    return {
        state: [PART_LABELS[p] for p in PART_LABELS if states.get(p) == state]
        for state in ("a_traiter", "en_cours")
        if any(value == state for value in states.values())
    }


def answer_by(context: dict, department: dict, today: date) -> date:
    """When an answer is expected: the reminder's day (sending + ``relance_jours``); a reminder
    asks for it before the escalation (sending + ``escalade_jours``). ``sent_at`` is given by the
    acknowledgement page (the referral went out then); a message being sent goes out today."""
    if context.get("sent_at"):
        days = int(department.get("relance_jours") or 7)
        return date.fromisoformat(str(context["sent_at"])[:10]) + timedelta(days=days)
    sent_on = context.get("sent_on")
    if sent_on:
        days = int(department.get("escalade_jours") or 14)
        return date.fromisoformat(str(sent_on)[:10]) + timedelta(days=days)
    return today + timedelta(days=int(department.get("relance_jours") or 7))


def template_context(stored: dict, now: datetime) -> dict:
    if "snapshot" in stored:
        return partner_context(stored, now)
    context: dict[str, Any] = dated(stored)
    if "kind" in context:
        context.setdefault("kind_label", KIND_LABELS[context["kind"]])
    if "ics" in context:  # an erased youth's CANCEL: the event and the partner, no youth
        context.update(youth=None, event=context["ics"].get("event"))
    return context


def email(template: str, stored: dict, recipients: list[str], now: datetime) -> Email:
    context = template_context(stored, now)
    attachments: tuple[render.Attachment, ...] = ()
    if "ics" in stored:
        attachments = (invitation(stored, context),)
    elif "invitation" in stored:  # a referral carrying its interview invitation: one email
        riding = stored["invitation"]
        context["invitation_url"] = tokens.ack_url(riding["referral_id"])
        attachments = (invitation(riding, {**context, "ack_url": context["invitation_url"]}),)
    if template in spaces.SPACE_TEMPLATES and "snapshot" in stored:
        context["space_url"] = spaces.renewed_url(stored["snapshot"], now)
    rendered = render.render_email(template, context, attachments)
    contact = (context.get("department") or {}).get("contact_email")
    return Email(
        recipients=recipients,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=rendered.attachments,
        reply_to=(contact,) if contact and contact not in recipients else (),
    )


def sms(purpose: str, stored: dict, now: datetime) -> str:
    return render.render_sms(SMS_TEMPLATES.get(purpose, "referral"), template_context(stored, now))


def invitation(stored: dict, context: dict) -> render.Attachment:
    ics = stored["ics"]
    youth, department, partner = context["youth"], context["department"], context["partner"]
    title = "Entretien de préparation à la majorité"
    event = context["event"] or {}
    zone = clock.zone_of(department["code"])
    hour = time.fromisoformat(event["heure"]) if event.get("heure") else time(9, 0)
    day = event.get("date") or context["expires_on"]
    data = build_invitation(
        uid=calendar_uid(stored["referral_id"]),
        sequence=int(ics["sequence"]),
        method=ics["method"],
        start=datetime.combine(day, hour, tzinfo=zone),
        duration_minutes=INTERVIEW_MINUTES,
        summary=f"{title} — {youth['prenom']} {youth['initiale']}" if youth else title,
        location=event.get("lieu"),
        description=render.render_template(
            "email", "entretien_invitation", "ics.j2", {**context, "ics_method": ics["method"]}
        ).strip(),
        organizer=(f"Service ASE – {dept_label(department)}", department["contact_email"]),
        attendee=(partner["nom"], partner.get("email") or department["contact_email"]),
        timezone=geo.timezone_of(department["code"]),
    )
    return invitation_attachment(data, ics["method"])

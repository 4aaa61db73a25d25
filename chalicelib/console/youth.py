"""One youth's page: its file, each referral, and the timeline (referrals, messages sent,
answers with the advisor's name, alerts).

The messages concerning a youth have deterministic ids (``referrals.ids``): they are read with
BatchGetItem (the candidates erasure uses), never with a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib import refs
from chalicelib.alerts import wording
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.enums import YouthEvent
from chalicelib.domain.history import YouthHistoryEntry
from chalicelib.domain.labels import (
    KIND_LABELS,
    PART_LABELS,
    REFERRAL_EVENT_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    YOUTH_EVENT_LABELS,
    answer_label,
    label,
)
from chalicelib.domain.youth import UNKNOWN_STATE
from chalicelib.reporting.youth_file import YouthFile, youth_file
from chalicelib.reporting.youth_view import plain

PURPOSE_LABELS = {
    "referral": "Orientation envoyée au partenaire",
    "reminder": "Relance envoyée au partenaire",
    "escalation": "Escalade envoyée au référent",
    "alert": "Alerte envoyée au département",
    "placement": "Information envoyée au lieu d'accueil",
    "digest": "Synthèse envoyée",
}
UNKNOWN_EVENT = "Suivi mis à jour"  # never an internal code on screen


@dataclass(frozen=True)
class Event:
    at: datetime
    title: str
    detail: str = ""
    alert: bool = False


def alert_events(alerts: list) -> list[Event]:
    found = []
    for alert in alerts:
        title = wording.SECTIONS[AlertKind(alert.kind)]
        raised = _when(alert.raised_at)
        if raised is not None:
            found.append(Event(raised, f"Alerte : {title}", alert=alert.kind != "accepted"))
        closed = _when(alert.closed_at)
        if closed is not None:
            found.append(Event(closed, f"Alerte traitée : {title}"))
    return found


def load(code: str, ref: str, now: datetime) -> YouthFile:
    """The youth behind the opaque reference, and its file (404 when unknown or expired)."""
    return youth_file(code, refs.youth_id(code, ref), now)


def _local(department: str, text: str | None) -> datetime | None:
    moment = _when(text)
    return moment.astimezone(clock.zone_of(department)) if moment else None


def _when(text: str | None) -> datetime | None:
    try:
        return parse_iso(text) if text else None
    except ValueError:
        return None


def partner_name(referral: Any) -> str:
    return referral.snapshot_view().partner.nom or referral.partner_id


def referral_events(referral: Any) -> list[Event]:
    kind = label(KIND_LABELS, referral.kind)
    found = []
    for change in referral.status_changes():
        at = _when(change.at)
        if at is not None and change.status != "partner":
            status = REFERRAL_EVENT_LABELS.get(change.status, UNKNOWN_EVENT)
            found.append(Event(at, f"{kind} : {status}", partner_name(referral)))
    answer = referral.current_answer()
    answered = _when(answer.at) if answer is not None else None
    if answer is not None and answered is not None:
        found.append(Event(answered, f"{kind} : réponse du partenaire", answer_text(answer)))
    return found


def answer_text(answer: AnswerEntry) -> str:
    parts = [answer_label("", answer.reponse, short=True)]
    if answer.conseiller_nom:
        parts.append(f"conseiller ou conseillère : {answer.conseiller_nom}")
    if answer.conseiller_telephone:
        parts.append(f"tél. {answer.conseiller_telephone}")
    if answer.date_rdv:
        parts.append(f"rendez-vous le {_day_fr(answer.date_rdv)}")
    parts += [text for text in (answer.motif, answer.commentaire) if text]
    return " – ".join(parts)


def _day_fr(text: str) -> str:
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


def message_events(messages: list[Any]) -> list[Event]:
    found = []
    for message in messages:
        at = _when(message.sent_at)
        if at is None:
            continue
        title = PURPOSE_LABELS.get(message.purpose, "Message envoyé")
        channel = "SMS" if message.channel == "sms" else "courriel"
        found.append(Event(at, title, f"par {channel}", alert=message.purpose == "alert"))
    return found


def youth_events(youth: Any) -> list[Event]:
    found = []
    for entry in youth.events():
        at = _when(entry.at)
        if at is not None:
            title = YOUTH_EVENT_LABELS.get(entry.event, UNKNOWN_EVENT)
            found.append(Event(at, title, _pathway_detail(entry)))
    return found


def _pathway_detail(entry: YouthHistoryEntry) -> str:
    if not entry.part:
        return ""
    part = label(PART_LABELS, entry.part)
    if entry.event != YouthEvent.PATHWAY:
        return part
    before = label(STATE_LABELS, entry.before or UNKNOWN_STATE)
    return f"{part} : {before} → {label(STATE_LABELS, entry.after or UNKNOWN_STATE)}"


def timeline(found: YouthFile) -> list[Event]:
    """Newest first, each time in the department's time zone."""
    youth = found.youth
    events = youth_events(youth) + message_events(found.messages) + alert_events(found.alerts)
    for referral in found.referrals:
        events += referral_events(referral)
    zone = clock.zone_of(youth.department)
    local = [replace(event, at=event.at.astimezone(zone)) for event in events]
    return sorted(local, key=lambda event: event.at, reverse=True)


def _yes_no(value: object) -> str:
    return "oui" if value else "non"


def record_view(youth: Any) -> list[tuple[str, str]]:
    """The roster row as the department wrote it, with French labels (empty values left out)."""
    record = plain(youth.record) or {}
    referent = " – ".join(
        str(record.get(key))
        for key in ("referent_nom", "referent_email", "referent_telephone")
        if record.get(key)
    )
    accueil = " – ".join(
        str(record.get(key))
        for key in ("lieu_accueil_nom", "lieu_accueil_email")
        if record.get(key)
    )
    rows = [
        ("N° de dossier", youth.id_externe),
        ("Date de naissance", _day_fr(str(record.get("date_naissance") or ""))),
        ("Majorité", _day_fr(youth.majority_date)),
        ("Commune (code INSEE)", str(record.get("code_commune") or "")),
        ("Référent ASE", referent),
        ("Téléphone du jeune", str(record.get("telephone") or "")),
        ("Courriel du jeune", str(record.get("email") or "")),
        ("Accord de partage", _yes_no(record.get("consentement"))),
        ("Besoin de logement", _yes_no(record.get("besoin_logement"))),
        ("Entretien de préparation", _interview(record)),
        ("Lieu d'accueil", accueil),
        ("Mission locale imposée (fichier)", str(record.get("code_ml") or "")),
    ]
    return [(name, value) for name, value in rows if value]


def _interview(record: dict) -> str:
    when = str(record.get("date_entretien") or "")
    if not when:
        return ""
    place = str(record.get("lieu_entretien") or "")
    return (
        _day_fr(when)
        + (f" {when[11:16]}" if len(when) > 10 else "")
        + (f", {place}" if place else "")
    )


def pathway_view(youth: Any) -> list[tuple[str, str]]:
    parcours = (plain(youth.record) or {}).get("parcours") or {}
    return [
        (label(PART_LABELS, part), label(STATE_LABELS, str(parcours.get(part) or "inconnu")))
        for part in PART_LABELS
    ]


def referral_view(referral: Any) -> dict:
    answer = referral.current_answer()
    return {
        "kind": label(KIND_LABELS, referral.kind),
        "partner": partner_name(referral),
        "status": referral.status,
        "status_label": label(STATUS_LABELS, referral.status),
        "sent_at": _local(referral.department, referral.sent_at),
        "answer": answer_text(answer) if answer is not None else "",
    }

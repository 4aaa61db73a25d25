"""One youth's page: its file, each referral, and the timeline (referrals, messages sent,
answers with the advisor's name, alerts).

The messages concerning a youth have deterministic ids (``referrals.ids``): they are read with
BatchGetItem (the candidates erasure uses), never with a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from chalicelib import refs
from chalicelib.alerts import wording
from chalicelib.alerts.raising import no_partner_subject
from chalicelib.domain import clock, ids
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.labels import (
    KIND_LABELS,
    PART_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    answer_label,
    label,
)
from chalicelib.reporting import youths as followup_youths
from chalicelib.store import alerts as alert_store
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store.base import plain
from chalicelib.store.messages import Message
from chalicelib.store.referrals import Referral
from chalicelib.store.youths import Youth

PURPOSE_LABELS = {
    "referral": "Orientation envoyée au partenaire",
    "reminder": "Relance envoyée au partenaire",
    "escalation": "Escalade envoyée au référent",
    "alert": "Alerte envoyée au département",
    "placement": "Information envoyée au lieu d'accueil",
    "digest": "Synthèse envoyée",
}
YOUTH_EVENTS = {"exited": "Sorti du fichier", "returned": "Revenu dans le fichier"}
BATCH_GET = 100


@dataclass(frozen=True)
class Event:
    at: datetime
    title: str
    detail: str = ""
    alert: bool = False


def alerts_of(code: str, id_externe: str, referrals: list[Referral]) -> list:
    """The youth's alerts, open or closed (their ids are derived: one BatchGetItem)."""
    wanted = [
        alert_store.alert_id(code, AlertKind.NO_PARTNER, no_partner_subject(id_externe, kind))
        for kind in KIND_LABELS
    ]
    wanted += [
        alert_store.alert_id(code, kind, referral.referral_id)
        for referral in referrals
        for kind in AlertKind
        if kind is not AlertKind.NO_PARTNER
    ]
    return alert_store.get_many(code, wanted)


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


def load(code: str, ref: str, now: datetime) -> tuple[Youth, list[Referral], list[Message]]:
    id_externe = refs.youth_id(code, ref)
    youth = followup_youths.get_live(code, id_externe, now)
    referrals = referral_store.live_of_youth(code, id_externe, now)
    messages = message_store.live_of_youth(ids.youth_key(code, id_externe), now)
    return youth, referrals, messages


def _local(department: str, text: str | None) -> datetime | None:
    moment = _when(text)
    return moment.astimezone(clock.zone_of(department)) if moment else None


def _when(text: str | None) -> datetime | None:
    try:
        return parse_iso(text) if text else None
    except ValueError:
        return None


def partner_name(referral: Referral) -> str:
    partner = (plain(referral.snapshot) or {}).get("partner") or {}
    return str(partner.get("nom") or referral.partner_id)


def referral_events(referral: Referral) -> list[Event]:
    kind = label(KIND_LABELS, referral.kind)
    found = []
    for entry in plain(referral.history) or []:
        at = _when(entry.get("at"))
        if at is not None and entry.get("status") != "partner":
            status = label(STATUS_LABELS, str(entry.get("status")))
            found.append(Event(at, f"{kind} : {status}", partner_name(referral)))
    answer = plain(referral.answer) or {}
    answered = _when(answer.get("at"))
    if answered is not None:
        found.append(Event(answered, f"{kind} : réponse du partenaire", answer_text(answer)))
    return found


def answer_text(answer: dict) -> str:
    parts = [answer_label("", str(answer.get("reponse") or ""), short=True)]
    if answer.get("conseiller_nom"):
        parts.append(f"conseiller ou conseillère : {answer['conseiller_nom']}")
    if answer.get("conseiller_telephone"):
        parts.append(f"tél. {answer['conseiller_telephone']}")
    if answer.get("date_rdv"):
        parts.append(f"rendez-vous le {_day_fr(str(answer['date_rdv']))}")
    for key in ("motif", "commentaire"):
        if answer.get(key):
            parts.append(str(answer[key]))
    return " – ".join(parts)


def _day_fr(text: str) -> str:
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text


def message_events(messages: list[Message]) -> list[Event]:
    found = []
    for message in messages:
        at = _when(message.sent_at)
        if at is None:
            continue
        title = PURPOSE_LABELS.get(message.purpose, "Message envoyé")
        channel = "SMS" if message.channel == "sms" else "courriel"
        found.append(Event(at, title, f"par {channel}", alert=message.purpose == "alert"))
    return found


def youth_events(youth: Youth) -> list[Event]:
    found = []
    for entry in plain(youth.history) or []:
        at = _when(entry.get("at"))
        if at is not None and entry.get("event") in YOUTH_EVENTS:
            found.append(Event(at, YOUTH_EVENTS[entry["event"]]))
    return found


def timeline(youth: Youth, referrals: list[Referral], messages: list[Message]) -> list[Event]:
    """Newest first, each time in the department's time zone."""
    alerts = alerts_of(youth.department, youth.id_externe, referrals)
    events = youth_events(youth) + message_events(messages) + alert_events(alerts)
    for referral in referrals:
        events += referral_events(referral)
    zone = clock.zone_of(youth.department)
    local = [replace(event, at=event.at.astimezone(zone)) for event in events]
    return sorted(local, key=lambda event: event.at, reverse=True)


def _yes_no(value: object) -> str:
    return "oui" if value else "non"


def record_view(youth: Youth) -> list[tuple[str, str]]:
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


def pathway_view(youth: Youth) -> list[tuple[str, str]]:
    parcours = (plain(youth.record) or {}).get("parcours") or {}
    return [
        (label(PART_LABELS, part), label(STATE_LABELS, str(parcours.get(part) or "inconnu")))
        for part in PART_LABELS
    ]


def referral_view(referral: Referral) -> dict:
    answer = plain(referral.answer) or {}
    return {
        "kind": label(KIND_LABELS, referral.kind),
        "partner": partner_name(referral),
        "status": referral.status,
        "status_label": label(STATUS_LABELS, referral.status),
        "sent_at": _local(referral.department, referral.sent_at),
        "answer": answer_text(answer) if answer else "",
    }

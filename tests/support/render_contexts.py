"""Template contexts for rendering tests: departments, youths (full, minimal, absent fields),
partners, and hostile values (XSS) to poison them with."""

from __future__ import annotations

from datetime import date

from chalicelib.alerts import digest
from chalicelib.delivery.compose import template_context
from chalicelib.domain.labels import REFERRAL_TITLES
from tests.support import alerts as sample_alerts

XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


ACK_URL = "https://relais-ase.example.fr/ack/q3Xv9kZ2m0bB7yT1aP4sW8dF6gH5jK0lL2nM4pR6tU8"


def department(*, long: bool = False) -> dict:
    if long:
        return {"code": "04", "name": "Alpes-de-Haute-Provence", "contact_email": "ase@le04.fr"}
    return {"code": "59", "name": "Nord", "contact_email": "ase@lenord.fr"}


def full_youth() -> dict:
    return {
        "prenom": "Maëlys",
        "initiale": "D.",
        "age": 16,
        "is_adult": False,
        "interview_due": True,
        "majority_date": date(2027, 5, 12),
        "commune_code": "59350",
        "commune_nom": "Lille",
        "besoin_logement": True,
        "parts_not_secured": ["Ressources", "Logement"],
        "parts": {"a_traiter": ["Logement"], "en_cours": ["Ressources"]},
        "telephone": "+33612345678",
        "email": "maelys.jeune@example.org",
        "entretien": {"date": date(2026, 5, 4), "heure": "14:30", "lieu": "MDS Lille-Sud"},
        "referent": {
            "nom": "Paul Martin",
            "email": "p.martin@lenord.fr",
            "telephone": "+33320123456",
        },
        "lieu_accueil": {"nom": "MECS Les Tilleuls", "email": "accueil@tilleuls.example.org"},
    }


def minimal_youth(*, absent: bool = False, entretien: bool = False) -> dict:
    """No consent, no interview, no placement structure: optional keys None (or absent)."""
    youth = {
        "prenom": "Maëlys",
        "initiale": "D.",
        "age": 17,
        "majority_date": date(2027, 5, 12),
        "commune_code": "59350",
        "commune_nom": None,
        "besoin_logement": False,
        "parts_not_secured": [],
        "telephone": None,
        "email": None,
        "entretien": None,
        "lieu_accueil": None,
        "referent": {"nom": None, "email": "referent@lenord.fr", "telephone": None},
    }
    if absent:
        for key in ("commune_nom", "besoin_logement", "parts_not_secured", "telephone", "email"):
            del youth[key]
        del youth["entretien"], youth["lieu_accueil"]
        youth["referent"] = {"email": "referent@lenord.fr"}
    if entretien:
        youth["entretien"] = {"date": date(2026, 5, 4), "heure": None, "lieu": None}
    return youth


def partner(kind: str = "mission_locale") -> dict:
    if kind == "habitat_jeunes":
        return {
            "type": "habitat_jeunes",
            "nom": "Résidence Habitat Jeunes Vauban",
            "email": "contact@hj-vauban.example.org",
            "telephone": "+33320987654",
        }
    return {
        "type": "mission_locale",
        "nom": "Mission locale de Lille",
        "email": "accueil@ml-lille.example.org",
        "telephone": None,
    }


def poison(value: object, payload: str) -> object:
    """Every string of a context (not dates, numbers, booleans) replaced by ``payload``."""
    if isinstance(value, dict):
        return {key: poison(item, payload) for key, item in value.items()}
    if isinstance(value, list):
        return [poison(item, payload) for item in value]
    if isinstance(value, str):
        return payload
    return value


EMAILS_WITH_LINK = (
    "referral_mission_locale",
    "referral_habitat_jeunes",
    "entretien_invitation",
    "reminder",
)
EMAILS_WITHOUT_LINK = (
    "entretien_cancel",
    "escalation",
    "alert_digest",
    "placement_info",
    "risk_digest",
    "exit_notice",
    "youth_informed",
)
EMAILS = EMAILS_WITH_LINK + EMAILS_WITHOUT_LINK
EMAILS_TO_PARTNERS = (*EMAILS_WITH_LINK, "entretien_cancel")


def email_context(name: str, variant: str = "full") -> dict:
    """Context of ``name``: ``full``, ``minimal`` (optional keys None) or ``absent`` (omitted)."""
    full = variant == "full"
    needs_entretien = name == "entretien_invitation"
    youth = (
        full_youth()
        if full
        else minimal_youth(absent=variant == "absent", entretien=needs_entretien)
    )
    kind = "habitat_jeunes" if name == "referral_habitat_jeunes" else "mission_locale"
    base = {"department": department(), "youth": youth, "partner": partner(kind)}
    link = {"ack_url": ACK_URL, "expires_on": date(2026, 7, 1), "answer_by": date(2026, 4, 8)}
    extras: dict[str, dict] = {
        "referral_mission_locale": link,
        "referral_habitat_jeunes": link,
        "entretien_invitation": {**link, **({"is_update": True} if full else {})},
        "entretien_cancel": {"event": full_youth()["entretien"] if full else None},
        "reminder": {
            **link,
            "kind": kind,
            "kind_label": REFERRAL_TITLES[kind],
            "sent_on": date(2026, 4, 1),
        },
        "escalation": {
            "referral": {"kind_label": REFERRAL_TITLES[kind], "sent_on": date(2026, 4, 1)},
            "console_url": "http://127.0.0.1:8000/console/alertes/al_0123",
            **({"id_externe": "D-2024-00123"} if full else {}),
        },
        "placement_info": {},
        "exit_notice": {
            "youth": {"prenom": youth["prenom"], "initiale": youth["initiale"]},
            "partner": {"nom": partner(kind)["nom"]},
            "requests": exit_requests(full),
        },
    }
    if name == "youth_informed":
        return youth_message_context(full, kind="mission_locale")
    if name == "alert_digest":
        alerts = sample_alerts.one_of_each()
        return digest_context(alerts if full else alerts[:1])
    if name == "risk_digest":
        return {
            "department": department(),
            "recipient_label": "Paul Martin",
            "week_label": "semaine du 3 mai 2027",
            "items": [
                {
                    "id_externe": "D-1",
                    "prenom": "Maëlys",
                    "initiale": "D.",
                    "majority_date": date(2027, 5, 12),
                    "parts": ["Ressources", "Logement"],
                },
                {
                    "id_externe": "D-2",
                    "prenom": "Yanis",
                    "initiale": "B.",
                    "majority_date": date(2027, 8, 1),
                    "parts": ["Santé"],
                },
            ][: 2 if full else 1],
        }
    return {**base, **extras[name]}


def youth_message_context(full: bool = True, *, kind: str = "mission_locale", **extra) -> dict:
    """What the youth is told once a partner accepted: with the advisor and the appointment
    (``full``) or without them."""
    structure = partner(kind)
    return {
        "department": department(),
        "youth": {"prenom": "Maëlys", "minor": full},
        "partner": {**structure, "telephone": structure["telephone"] or "+33320000000"},
        "kind": kind,
        "advisor": {"nom": "Mme Dupont", "telephone": "+33320112233"} if full else None,
        "appointment": {"date": date(2026, 12, 8)} if full else None,
        **extra,
    }


def exit_requests(full: bool) -> list[dict]:
    """What the partner had of the youth who left: accepted, or sent and not answered."""
    unanswered = {
        "kind_label": REFERRAL_TITLES["entretien"],
        "accepted": False,
        "sent_on": date(2026, 4, 1) if full else None,
    }
    accepted = {"kind_label": REFERRAL_TITLES["mission_locale"], "accepted": True}
    return [accepted, unanswered] if full else [unanswered]


def digest_context(alerts: list) -> dict:
    """The digest's context as the job stores it, then as dispatch hands it to the templates."""
    stored = digest.context(sample_alerts.department(), alerts, [], date(2026, 11, 30))
    return template_context(stored, sample_alerts.RAISED)

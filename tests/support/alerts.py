"""Alerts as the store keeps them, built in memory (no I/O): one of each kind, for the digest."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.alerts import AlertKind
from chalicelib.store import alerts as store
from chalicelib.store.models import Alert, Department

RAISED = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def department() -> Department:
    return Department(
        "59", name="Nord", contact_email="ase@lenord.fr", contact_phone="+33320000000"
    )


def youth(id_externe: str = "D-2024-00123", commune: str = "Tourcoing") -> dict:
    return {
        "id_externe": id_externe,
        "prenom": "Maëlys",
        "initiale": "D.",
        "majority_date": "2027-05-12",
        "commune_code": "59599",
        "commune_nom": commune,
    }


PARTNER = {
    "id": "ML59A",
    "nom": "Mission locale de Lille",
    "email": "accueil@ml-lille.example.org",
    "telephone": "+33320987654",
}
ANSWER = {
    "reponse": "refuse",
    "motif": "Hors territoire",
    "commentaire": "Voir la mission locale de Roubaix",
    "at": "2026-11-29T15:00:00Z",
}


def alert(kind: AlertKind, details: dict, subject: str = "ref_1") -> Alert:
    return Alert(
        "59",
        store.alert_id("59", kind, subject),
        kind=kind.value,
        state="info" if kind is AlertKind.ACCEPTED else "open",
        id_externe=details["youth"]["id_externe"],
        details=details,
        raised_at="2026-11-30T06:00:00Z",
        digest_due="2026-11-30T06:00:00Z",
    )


def referral_details(**extra: object) -> dict:
    return {
        "youth": youth(commune="Lille"),
        "referral_kind": "mission_locale",
        "partner": PARTNER,
        "sent_at": "2026-11-02T09:00:00Z",
        **extra,
    }


def one_of_each() -> list[Alert]:
    shared = {
        "youth": youth(),
        "referral_kind": "mission_locale",
        "reason": "commune_partagee",
        "code_ml": None,
        "candidates": [
            {"code": "ML59A", "nom": "Mission locale de Lille"},
            {"code": "ML59B", "nom": "Mission locale de Roubaix"},
        ],
    }
    accepted = {**ANSWER, "reponse": "accepte", "conseiller_nom": "Mme Dupont",
                "conseiller_telephone": "+33320112233", "date_rdv": "2026-12-08"}  # fmt: skip
    return [
        alert(AlertKind.NO_PARTNER, shared, subject="D-2024-00123|mission_locale"),
        alert(AlertKind.REFUSED, referral_details(answer=ANSWER)),
        alert(AlertKind.REDIRECTED, referral_details(answer=ANSWER, rerouted_to=None)),
        alert(AlertKind.UNDELIVERABLE, referral_details(channel="email", error_code="bounce")),
        alert(AlertKind.FAILED, referral_details(channel="sms", error_code="Throttling")),
        alert(AlertKind.ESCALATED, referral_details()),
        alert(AlertKind.ACCEPTED, referral_details(answer=accepted)),
    ]

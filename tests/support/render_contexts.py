"""Template contexts for rendering tests: departments, youths (full, minimal, absent fields),
partners, and hostile values (XSS) to poison them with."""

from __future__ import annotations

from datetime import date

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

"""French labels of the codes shown to departments (reports, CSV, pages). Pure data.

Each ``…_label`` function returns the code itself for a code it does not know, never raises.
"""

from __future__ import annotations

from collections.abc import Mapping

KIND_LABELS: Mapping[str, str] = {
    "mission_locale": "Mission locale",
    "habitat_jeunes": "Habitat jeunes",
    "entretien": "Entretien de préparation à la majorité",
}

PART_LABELS: Mapping[str, str] = {
    "ressources": "Ressources",
    "logement": "Logement",
    "emploi": "Emploi / formation",
    "sante": "Santé",
    "droits": "Accès aux droits",
    "accompagnement": "Accompagnement socio-éducatif",
}

STATE_LABELS: Mapping[str, str] = {
    "securise": "Sécurisé",
    "en_cours": "En cours",
    "a_traiter": "À traiter",
    "inconnu": "Non renseigné",
}

STATUS_LABELS: Mapping[str, str] = {
    "pending": "En attente",
    "sending": "En cours d'envoi",
    "sent": "Envoyé",
    "acknowledged": "Pris en charge",
    "declined": "Refusé",
    "redirected": "Réorienté",
    "undeliverable": "Non distribuable",
    "failed": "Échec d'envoi",
    "escalated": "Relancé (escalade)",
    "cancelled": "Annulé",
}

REASON_LABELS: Mapping[str, str] = {
    "commune_inconnue": "Commune absente de la couverture des missions locales",
    "commune_partagee": "Commune partagée entre plusieurs missions locales (indiquer code_ml)",
    "ml_inconnue": "Mission locale absente de l'annuaire",
    "partenaire_exclu": "Partenaire déclaré non compétent",
    "partenaire_injoignable": "Partenaire sans adresse électronique ni téléphone mobile",
    "aucun_habitat_jeunes": "Aucun habitat jeunes pour cette commune ou ce département",
}

CHANNEL_LABELS: Mapping[str, str] = {"email": "Courriel", "sms": "SMS"}


def label(table: Mapping[str, str], code: str) -> str:
    """French label of ``code`` in ``table``; an unknown code is shown as is."""
    return table.get(code, code)


def part_label(code: str) -> str:
    return label(PART_LABELS, code)

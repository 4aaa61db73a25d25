"""French labels shared by templates and callers. Pure data."""

from __future__ import annotations

from chalicelib.reports.labels import PART_LABELS

KIND_LABELS = {
    "mission_locale": "Orientation vers la mission locale",
    "habitat_jeunes": "Orientation vers une résidence habitat jeunes",
    "entretien": "Entretien de préparation à la majorité",
}

# The six needs of R222-6 CASF: one wording everywhere (reports, messages, pages).
PATHWAY_PART_LABELS = PART_LABELS

ANSWERS = ("accepte", "refuse", "non_competent")

ANSWER_SHORT_LABELS = {
    "accepte": "Accepté",
    "refuse": "Refusé",
    "non_competent": "Non compétent",
}

ANSWER_LABELS = {
    "mission_locale": {
        "accepte": "Nous prenons en charge l'accompagnement",
        "refuse": "Nous ne pouvons pas assurer l'accompagnement",
        "non_competent": "Cela ne relève pas de notre mission locale (le département réorientera)",
    },
    "habitat_jeunes": {
        "accepte": "Nous étudions une solution de logement",
        "refuse": "Nous ne pouvons pas proposer de solution de logement",
        "non_competent": "Cela ne relève pas de notre structure (le département réorientera)",
    },
    "entretien": {
        "accepte": (
            "Un conseiller ou une conseillère de la mission locale sera présent à l'entretien"
        ),
        "refuse": "Personne de la mission locale ne pourra être présent à cette date",
        "non_competent": "Cela ne relève pas de notre mission locale (le département réorientera)",
    },
}

DATE_RDV_LABELS = {
    "mission_locale": "Date du premier rendez-vous proposé",
    "habitat_jeunes": "Date de rendez-vous ou d'entrée envisagée",
    "entretien": "Autre date de rendez-vous proposée",
}


def answer_label(kind: str, reponse: str | None, *, short: bool = False) -> str:
    """French label of an answer (``accepte``…) for a referral kind; the code itself if unknown."""
    if short:
        return ANSWER_SHORT_LABELS.get(reponse or "", reponse or "")
    return ANSWER_LABELS.get(kind, ANSWER_LABELS["mission_locale"]).get(
        reponse or "", reponse or ""
    )

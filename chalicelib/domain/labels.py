"""French labels of every code shown to departments and partners (reports, CSV, messages, pages).
One wording per code, everywhere. Pure data.

``label`` and ``answer_label`` return the code itself for a code they do not know, never raise.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.enums import Answer, Channel, Kind, PathwayState, ReferralStatus

KIND_LABELS: Mapping[str, str] = {
    Kind.MISSION_LOCALE: "Mission locale",
    Kind.HABITAT_JEUNES: "Habitat jeunes",
    Kind.ENTRETIEN: "Entretien de préparation à la majorité",
}

# what a message or a page about a referral is titled
REFERRAL_TITLES: Mapping[str, str] = {
    Kind.MISSION_LOCALE: "Orientation vers la mission locale",
    Kind.HABITAT_JEUNES: "Orientation vers une résidence habitat jeunes",
    Kind.ENTRETIEN: "Entretien de préparation à la majorité",
}

# The six needs of R222-6 CASF (their French names also name the roster's columns).
PART_LABELS: Mapping[str, str] = {
    "ressources": "Ressources",
    "logement": "Logement",
    "emploi": "Emploi / formation",
    "sante": "Santé",
    "droits": "Accès aux droits",
    "accompagnement": "Accompagnement socio-éducatif",
}

STATE_LABELS: Mapping[str, str] = {
    PathwayState.SECURISE: "Sécurisé",
    PathwayState.EN_COURS: "En cours",
    PathwayState.A_TRAITER: "À traiter",
    "inconnu": "Non renseigné",
}

STATUS_LABELS: Mapping[str, str] = {
    ReferralStatus.PENDING: "En attente",
    ReferralStatus.SENDING: "En cours d'envoi",
    ReferralStatus.SENT: "Envoyé",
    ReferralStatus.ACKNOWLEDGED: "Pris en charge",
    ReferralStatus.DECLINED: "Refusé",
    ReferralStatus.REDIRECTED: "Réorienté",
    ReferralStatus.UNDELIVERABLE: "Non distribuable",
    ReferralStatus.FAILED: "Échec d'envoi",
    ReferralStatus.ESCALATED: "Relancé (escalade)",
    ReferralStatus.CANCELLED: "Annulé",
}

# the partners' space (SPEC §4c): a referral as its structure sees it, in this order
SPACE_GROUP_LABELS: Mapping[str, str] = {
    "a_repondre": "En attente de votre réponse",
    "acceptee": "Acceptées",
    "refusee": "Refusées",
    "reorientee": "Non compétent ou réorientées par le département",
}
SPACE_STATE_LABELS: Mapping[str, str] = {
    "a_repondre": "En attente de votre réponse",
    "acceptee": "Acceptée",
    "refusee": "Refusée",
    "reorientee": "Réorientée par le département",
}
SPACE_GROUPS: Mapping[str, str] = {
    ReferralStatus.SENT: "a_repondre",
    ReferralStatus.ESCALATED: "a_repondre",
    ReferralStatus.ACKNOWLEDGED: "acceptee",
    ReferralStatus.DECLINED: "refusee",
    ReferralStatus.REDIRECTED: "reorientee",
}

# A referral's history entries that are not a status (``store.referrals``): what happened.
REFERRAL_EVENT_LABELS: Mapping[str, str] = {
    **STATUS_LABELS,
    "reminder": "Relance envoyée au partenaire",
    "answered": "Réponse transmise au département",
    "reroute": "Nouvelle orientation recherchée",
    "followups_stopped": "Relances arrêtées (sortie du fichier)",
    "followups_resumed": "Relances reprises (retour dans le fichier)",
    "rescheduled": "Entretien modifié",
    "erased": "Données effacées",
}

# A youth's history entries (``Youth.history``).
YOUTH_EVENT_LABELS: Mapping[str, str] = {
    "exited": "Sorti du fichier",
    "reactivated": "Revenu dans le fichier",
    "returned": "Revenu dans le fichier",
    "pathway": "Parcours mis à jour",
    "partner_accepted": "Prise en charge par le partenaire",
    "partner_withdrew": "Le partenaire ne prend plus en charge",
}

REASON_LABELS: Mapping[str, str] = {
    "commune_inconnue": "Commune absente de la couverture des missions locales",
    "commune_partagee": "Commune partagée entre plusieurs missions locales (indiquer code_ml)",
    "ml_inconnue": "Mission locale absente de l'annuaire",
    "partenaire_exclu": "Partenaire déclaré non compétent",
    "partenaire_injoignable": "Partenaire sans adresse électronique ni téléphone mobile",
    "aucun_habitat_jeunes": "Aucun habitat jeunes pour cette commune ou ce département",
}

CHANNEL_LABELS: Mapping[str, str] = {Channel.EMAIL: "Courriel", Channel.SMS: "SMS"}

ANSWERS = tuple(answer.value for answer in Answer)

ANSWER_SHORT_LABELS: Mapping[str, str] = {
    Answer.ACCEPTE: "Accepté",
    Answer.REFUSE: "Refusé",
    Answer.NON_COMPETENT: "Non compétent",
}

ANSWER_LABELS: Mapping[str, Mapping[str, str]] = {
    Kind.MISSION_LOCALE: {
        Answer.ACCEPTE: "Nous prenons en charge l'accompagnement",
        Answer.REFUSE: "Nous ne pouvons pas assurer l'accompagnement",
        Answer.NON_COMPETENT: (
            "Cela ne relève pas de notre mission locale (le département réorientera)"
        ),
    },
    Kind.HABITAT_JEUNES: {
        Answer.ACCEPTE: "Nous étudions une solution de logement",
        Answer.REFUSE: "Nous ne pouvons pas proposer de solution de logement",
        Answer.NON_COMPETENT: "Cela ne relève pas de notre structure (le département réorientera)",
    },
    Kind.ENTRETIEN: {
        Answer.ACCEPTE: (
            "Un conseiller ou une conseillère de la mission locale sera présent à l'entretien"
        ),
        Answer.REFUSE: "Personne de la mission locale ne pourra être présent à cette date",
        Answer.NON_COMPETENT: (
            "Cela ne relève pas de notre mission locale (le département réorientera)"
        ),
    },
}

DATE_RDV_LABELS: Mapping[str, str] = {
    Kind.MISSION_LOCALE: "Date du premier rendez-vous proposé",
    Kind.HABITAT_JEUNES: "Date de rendez-vous ou d'entrée envisagée",
    Kind.ENTRETIEN: "Autre date de rendez-vous proposée",
}


def label(table: Mapping[str, str], code: str) -> str:
    """French label of ``code`` in ``table``; an unknown code is shown as is."""
    return table.get(code, code)


def part_label(code: str) -> str:
    return label(PART_LABELS, code)


def answer_label(kind: str, reponse: str | None, *, short: bool = False) -> str:
    """French label of an answer (``accepte``…) for a referral kind; the code itself if unknown."""
    if short:
        return ANSWER_SHORT_LABELS.get(reponse or "", reponse or "")
    return ANSWER_LABELS.get(kind, ANSWER_LABELS[Kind.MISSION_LOCALE]).get(
        reponse or "", reponse or ""
    )

"""Each alert in plain French: who, what happened, what to do, where to do it. Pure.

One wording for the daily digest and the console's alerts page (they must show the same alerts).
``line(alert)`` takes what ``store.alerts`` keeps (kind, details, id) and never says a column
code (``code_ml``) or a status code to an agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from chalicelib.alerts import links
from chalicelib.domain.alert_details import AlertDetails, Delivery, PartnerMention, YouthMention
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.answers import AnswerEntry
from chalicelib.messages.filters import commune, date_fr, liste_fr, telephone_fr

SECTIONS: Mapping[AlertKind, str] = {
    AlertKind.NO_PARTNER: "Jeunes sans partenaire compétent",
    AlertKind.REFUSED: "Orientations refusées",
    AlertKind.REDIRECTED: "Partenaires qui se déclarent non compétents",
    AlertKind.UNDELIVERABLE: "Messages non distribués",
    AlertKind.FAILED: "Envois en échec",
    AlertKind.ESCALATED: "Orientations restées sans réponse",
    AlertKind.ACCEPTED: "Orientations acceptées",
}

REFERRAL_NAMES = {
    "mission_locale": "l'orientation vers la mission locale",
    "habitat_jeunes": "l'orientation vers l'habitat jeunes",
    "entretien": "l'invitation à l'entretien de préparation à la majorité",
}

DELIVERY_ERRORS = {
    "bounce": "l'adresse a été refusée par la messagerie du destinataire",
    "MessageRejected": "le message a été refusé",
    "InvalidParameterValue": "l'adresse ou le numéro n'est pas valide",
    "InvalidParameter": "l'adresse ou le numéro n'est pas valide",
    "OptedOut": "ce numéro refuse les SMS",
    "soft_bounce": "la boîte du destinataire est pleine ou indisponible depuis plusieurs jours",
}


@dataclass(frozen=True)
class AlertLine:
    alert_id: str
    kind: str
    youth: str  # "Inès D. – dossier 59-0012 – majorité le 12/03/2027 – Roubaix (59512)"
    what: str
    todo: str
    url: str
    id_externe: str | None = None  # lets an erasure strip the line from a stored digest
    facts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def line(
    alert_id: str, kind: str, details: AlertDetails, id_externe: str | None = None
) -> AlertLine:
    alert_kind = AlertKind(kind)
    what, todo, facts = WORDING[alert_kind](details)
    return AlertLine(
        alert_id=alert_id,
        kind=alert_kind.value,
        youth=youth_label(details.youth),
        what=what,
        todo=todo,
        url=links.alert_url(alert_id),
        id_externe=id_externe,
        facts=facts,
    )


def youth_label(youth: YouthMention) -> str:
    parts = [f"{youth.prenom or ''} {youth.initiale or ''}".strip()]
    if youth.id_externe:
        parts.append(f"dossier {youth.id_externe}")
    if youth.majority_date:
        parts.append(f"majorité le {date_fr(youth.majority_date)}")
    if youth.commune_code:
        parts.append(commune(youth.to_item()))
    return " – ".join(part for part in parts if part)


def _commune_name(details: AlertDetails) -> str:
    youth = details.youth
    return youth.commune_nom or f"la commune {youth.commune_code or ''}".strip()


def _candidates(details: AlertDetails) -> list[str]:
    found = details.route.candidates if details.route is not None else ()
    return [f"{c.nom or 'mission locale absente de l’annuaire'} (code {c.code})" for c in found]


def _referral_name(details: AlertDetails) -> str:
    return REFERRAL_NAMES.get(details.referral_kind, "l'orientation")


def no_partner(details: AlertDetails) -> tuple[str, str, list[str]]:
    reason = details.route.reason if details.route is not None else ""
    place = _commune_name(details)
    referral = _referral_name(details)
    candidates = _candidates(details)
    nothing_sent = f"Relais ASE n'a pas pu envoyer {referral} : "
    choose = "Choisissez la mission locale dans la console"
    if reason == "commune_partagee":
        return (
            nothing_sent + f"{place} est couverte par plusieurs missions locales ; "
            "Relais ASE ne choisit pas à votre place.",
            f"{choose}, ou ajoutez son code à la ligne de ce ou cette jeune dans votre "
            "prochain fichier (colonne « code ML »).",
            [f"Missions locales possibles : {liste_fr(candidates)}."] if candidates else [],
        )
    if reason == "commune_inconnue":
        return _unknown_commune(details, nothing_sent, choose)
    if reason == "ml_inconnue":
        return _unknown_mission_locale(details, nothing_sent, place, candidates)
    if reason == "partenaire_injoignable":
        return (
            nothing_sent + "le partenaire compétent n'a ni adresse électronique ni téléphone "
            "mobile dans l'annuaire.",
            "Contactez-le directement ; l'équipe Relais ASE complétera l'annuaire.",
            [f"Partenaire compétent : {liste_fr(candidates)}."] if candidates else [],
        )
    return _no_housing_partner(details, nothing_sent, place)


def _unknown_commune(
    details: AlertDetails, nothing_sent: str, choose: str
) -> tuple[str, str, list[str]]:
    code = details.youth.commune_code
    if not code:  # the roster named a commune that matched none or several (SPEC §5.1)
        return (
            nothing_sent + "la commune de résidence écrite dans le fichier n'a pas été reconnue "
            "(introuvable dans le département, ou plusieurs communes possibles).",
            f"{choose}, ou indiquez le code INSEE de sa commune dans votre prochain fichier "
            "(colonne « Code INSEE »).",
            [],
        )
    return (
        nothing_sent + f"le code commune {code} ne figure pas dans la couverture des missions "
        "locales (code postal au lieu du code INSEE ? commune mal saisie ?).",
        f"Corrigez le code commune dans votre prochain fichier, ou {choose[0].lower()}"
        f"{choose[1:]}.",
        [],
    )


def _unknown_mission_locale(
    details: AlertDetails, nothing_sent: str, place: str, candidates: list[str]
) -> tuple[str, str, list[str]]:
    code_ml = details.route.code_ml if details.route is not None else None
    if code_ml:
        return (
            nothing_sent + f"le code de mission locale {code_ml} indiqué dans votre "
            "fichier ne correspond à aucune mission locale de l'annuaire.",
            "Corrigez ce code dans votre prochain fichier, ou choisissez la mission locale dans "
            "la console.",
            [f"Mission locale qui couvre {place} : {liste_fr(candidates)}."] if candidates else [],
        )
    return (
        nothing_sent + f"la mission locale qui couvre {place} n'est pas encore dans l'annuaire "
        "de Relais ASE.",
        "Contactez-la directement ; l'équipe Relais ASE complétera l'annuaire.",
        [f"Mission locale qui couvre {place} : {liste_fr(candidates)}."] if candidates else [],
    )


def _no_housing_partner(
    details: AlertDetails, nothing_sent: str, place: str
) -> tuple[str, str, list[str]]:
    if details.route is not None and details.route.reason == "partenaire_exclu":
        what = "toutes les structures habitat jeunes compétentes se sont déclarées non compétentes."
    else:
        what = f"aucune résidence habitat jeunes ni contact départemental n'est connu pour {place}."
    return (
        nothing_sent + what,
        "Cherchez une solution de logement avec vos partenaires habituels et signalez à "
        "l'équipe Relais ASE la structure à ajouter à l'annuaire.",
        [],
    )


def _partner(details: AlertDetails) -> PartnerMention:
    return details.partner or PartnerMention()


def _contact(partner: PartnerMention) -> str:
    ways = []
    if partner.telephone:
        ways.append(f"au {telephone_fr(partner.telephone)}")
    if partner.email:
        ways.append(f"à {partner.email}")
    return " ou ".join(ways)


def _answer_facts(answer: AnswerEntry | None) -> list[str]:
    if answer is None:
        return []
    facts = []
    if answer.motif:
        facts.append(f"Motif : {answer.motif}")
    if answer.commentaire:
        facts.append(f"Commentaire : {answer.commentaire}")
    if answer.conseiller_nom or answer.conseiller_telephone:
        who = answer.conseiller_nom or "conseiller ou conseillère"
        phone = telephone_fr(answer.conseiller_telephone)
        facts.append(f"Conseiller ou conseillère : {who}{f', {phone}' if phone else ''}")
    if answer.date_rdv:
        facts.append(f"Rendez-vous proposé le {date_fr(answer.date_rdv)}")
    return facts


def _answered(details: AlertDetails, verb: str) -> str:
    at = details.answer.at if details.answer is not None else None
    when = f" le {date_fr(at)}" if at else ""
    name = _partner(details).nom or "Le partenaire"
    return f"{name} a {verb} {_referral_name(details)}{when}."


def refused(details: AlertDetails) -> tuple[str, str, list[str]]:
    kind = details.referral_kind
    if kind == "mission_locale":
        todo = (
            "Ce ou cette jeune est « à réorienter » : choisissez une autre mission locale dans la "
            "console, ou confirmez-y que vous gardez cette orientation après en avoir parlé avec "
            "la mission locale."
        )
    elif kind == "entretien":
        todo = (
            "Convenez d'une autre date avec la mission locale et mettez-la à jour dans votre "
            "fichier."
        )
    else:
        todo = (
            "Cherchez une autre solution de logement, puis indiquez dans la console que l'alerte "
            "est traitée."
        )
    return _answered(details, "refusé"), todo, _answer_facts(details.answer)


def redirected(details: AlertDetails) -> tuple[str, str, list[str]]:
    what = _answered(details, "répondu « non compétent » à")
    partner = _partner(details)
    if details.rerouted_to:
        what += f" Relais ASE a transmis l'orientation à {details.rerouted_to}."
        todo = "Vérifiez ce nouveau choix dans la console ; rien d'autre à faire s'il convient."
    else:
        what += f" Aucun autre partenaire ne couvre {_commune_name(details)} dans l'annuaire."
        contact = _contact(partner)
        name = partner.nom or "ce partenaire"
        todo = (
            f"Demandez à {name}{f' ({contact})' if contact else ''} qui est compétent, puis "
            "choisissez le partenaire dans la console."
        )
    return what, todo, _answer_facts(details.answer)


def accepted(details: AlertDetails) -> tuple[str, str, list[str]]:
    return _answered(details, "accepté"), "", _answer_facts(details.answer)


def undeliverable(details: AlertDetails) -> tuple[str, str, list[str]]:
    partner = _partner(details)
    delivery = details.delivery or Delivery("", "")
    channel = "Le SMS" if delivery.channel == "sms" else "Le courriel"
    reason = DELIVERY_ERRORS.get(delivery.error_code, "il a été refusé")
    return (
        f"{channel} portant {_referral_name(details)} n'a pas pu être remis à "
        f"{partner.nom or 'ce partenaire'} : {reason}.",
        "Contactez le partenaire directement et signalez ses bonnes coordonnées à l'équipe "
        "Relais ASE ; puis indiquez dans la console que l'alerte est traitée.",
        [],
    )


def failed(details: AlertDetails) -> tuple[str, str, list[str]]:
    partner = _partner(details)
    return (
        f"L'envoi de {_referral_name(details)} à {partner.nom or 'ce partenaire'} a échoué après "
        "plusieurs tentatives ; Relais ASE ne réessaiera plus.",
        "Transmettez-lui l'orientation directement, puis indiquez dans la console que l'alerte "
        "est traitée.",
        [],
    )


def escalated(details: AlertDetails) -> tuple[str, str, list[str]]:
    partner = _partner(details)
    sent = f", envoyée le {date_fr(details.sent_at)}" if details.sent_at else ""
    contact = _contact(partner)
    return (
        f"{partner.nom or 'Le partenaire'} n'a pas répondu à {_referral_name(details)}{sent}, "
        "malgré un rappel. Le référent ou la référente ASE a été prévenu(e).",
        f"Appelez ou écrivez au partenaire{f' ({contact})' if contact else ''} ; il peut toujours "
        "répondre avec son lien, et l'alerte se fermera d'elle-même.",
        [],
    )


WORDING = {
    AlertKind.NO_PARTNER: no_partner,
    AlertKind.REFUSED: refused,
    AlertKind.REDIRECTED: redirected,
    AlertKind.UNDELIVERABLE: undeliverable,
    AlertKind.FAILED: failed,
    AlertKind.ESCALATED: escalated,
    AlertKind.ACCEPTED: accepted,
}

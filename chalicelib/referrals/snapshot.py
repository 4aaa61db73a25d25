"""What a referral shows its partner: the least of the youth's data (SPEC §7). Pure.

The snapshot is stored on the referral (and on its pending messages) so that sending and the
acknowledgement page need no other read. The youth's own phone and email are there only with
consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.roster.record import PATHWAY_PARTS, YouthRecord
from chalicelib.scheduling import rules

if TYPE_CHECKING:
    from chalicelib.routing.rules import Route
    from chalicelib.store.models import Department

NOT_SECURED = ("a_traiter", "en_cours")


def initiale(nom: str) -> str:
    letter = next((c for c in nom.strip() if c.isalpha()), "")
    return f"{letter.upper()}." if letter else ""


def build(
    record: YouthRecord,
    *,
    department: dict,
    partner: dict,
    kind: str,
    commune_nom: str | None,
) -> dict:
    youth: dict = {
        "id_externe": record.id_externe,
        "prenom": record.prenom,
        "initiale": initiale(record.nom),
        "majority_date": rules.majority_date(record.date_naissance).isoformat(),
        "commune_code": record.code_commune,
        "commune_nom": commune_nom,
        "besoin_logement": rules.housing_needed(record),
        "parts_not_secured": [p for p in PATHWAY_PARTS if record.parcours.get(p) in NOT_SECURED],
        # each part under its true state (``en_cours`` is never shown as ``a_traiter``)
        "parcours": {p: record.parcours[p] for p in PATHWAY_PARTS if record.parcours.get(p)},
        "telephone": record.telephone if record.consentement else None,
        "email": record.email if record.consentement else None,
        "referent": {
            "nom": record.referent_nom,
            "email": record.referent_email,
            "telephone": record.referent_telephone,
        },
        "entretien": None,
        "lieu_accueil": None,
    }
    if record.date_entretien:
        youth["entretien"] = {
            "date": record.date_entretien[:10],
            "heure": record.date_entretien[11:16] or None,
            "lieu": record.lieu_entretien,
        }
    if record.lieu_accueil_nom or record.lieu_accueil_email:
        youth["lieu_accueil"] = {"nom": record.lieu_accueil_nom, "email": record.lieu_accueil_email}
    return {"kind": kind, "youth": youth, "department": department, "partner": partner}


def department_view(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "contact_email": department.contact_email,
        "contact_phone": department.contact_phone,
        "ack_ttl_days": int(department.ack_ttl_days),
        "relance_jours": int(department.relance_jours),
        "escalade_jours": int(department.escalade_jours),
    }


def partner_view(route: Route) -> dict:
    return {
        "type": route.partner_type,
        "id": route.partner_id,
        "nom": route.nom,
        "email": route.email,
        "telephone": route.telephone,
        "telephone_mobile": route.telephone_mobile,
        "canal": route.canal,
    }

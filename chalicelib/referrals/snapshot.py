"""What a referral shows its partner: the least of the youth's data (SPEC §7). Pure.

The snapshot is stored on the referral (and on its pending messages) so that sending and the
acknowledgement page need no other read. The youth's own phone and email are there only with
consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.enums import Kind
from chalicelib.domain.snapshot import (
    DepartmentView,
    Interview,
    PartnerContact,
    PartnerView,
    Placement,
    Referent,
    SharedYouth,
    Snapshot,
)
from chalicelib.domain.stored import StoredDepartment
from chalicelib.domain.youth import (
    PATHWAY_PARTS,
    YouthRecord,
    housing_needed,
    initial,
    majority_date,
    parts_not_secured,
)

if TYPE_CHECKING:
    from chalicelib.domain.routing import Route


def build(
    record: YouthRecord,
    *,
    department: DepartmentView,
    partner: PartnerView,
    kind: Kind | str,
    commune_nom: str | None,
) -> Snapshot:
    interview = None
    if record.date_entretien:
        interview = Interview(
            date=record.date_entretien[:10],
            heure=record.date_entretien[11:16] or None,
            lieu=record.lieu_entretien,
        )
    placement = None
    if record.lieu_accueil_nom or record.lieu_accueil_email:
        placement = Placement(record.lieu_accueil_nom, record.lieu_accueil_email)
    youth = SharedYouth(
        id_externe=record.id_externe,
        prenom=record.prenom,
        initiale=initial(record.nom),
        majority_date=majority_date(record.date_naissance).isoformat(),
        commune_code=record.code_commune,
        commune_nom=commune_nom,
        besoin_logement=housing_needed(record),
        parts_not_secured=tuple(parts_not_secured(record.parcours)),
        # each part under its true state (``en_cours`` is never shown as ``a_traiter``)
        parcours={p: record.parcours[p] for p in PATHWAY_PARTS if record.parcours.get(p)},
        telephone=record.shared_phone,
        email=record.shared_email,
        referent=Referent(record.referent_nom, record.referent_email, record.referent_telephone),
        entretien=interview,
        lieu_accueil=placement,
    )
    return Snapshot(partner=partner, kind=kind, youth=youth, department=department)


def department_view(department: StoredDepartment) -> DepartmentView:
    return DepartmentView(
        code=department.code,
        name=department.name,
        contact_email=department.contact_email,
        contact_phone=department.contact_phone,
        ack_ttl_days=int(department.ack_ttl_days),
        relance_jours=int(department.relance_jours),
        escalade_jours=int(department.escalade_jours),
    )


def partner_view(route: Route) -> PartnerView:
    contact = PartnerContact(route.email, route.telephone, route.telephone_mobile, route.canal)
    return PartnerView(route.partner_type, route.partner_id, route.nom, contact)

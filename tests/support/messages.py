"""Stored message contexts built the way the product builds them (snapshot of a roster record,
department, partner route), to render through ``delivery.compose`` as dispatch does."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from chalicelib.domain.routing import Route
from chalicelib.domain.youth import YouthRecord
from chalicelib.referrals import snapshot
from chalicelib.store.models import Department

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday 30 November 2026, 10:00 in Paris
ML = Route("mission_locale", "ML59A", "Mission locale de Lille", "accueil@ml-lille.example.fr",
           "+33320000000", False, "email")  # fmt: skip
ML_SMS = Route("mission_locale", "ML974", "Mission locale Nord Réunion", None, "+262692000001",
               True, "sms")  # fmt: skip
HJ = Route("habitat_jeunes", "HJ59-LILLE", "Résidence Les Tilleuls",
           "accueil@fjt-tilleuls.example.fr", None, False, "email")  # fmt: skip


def department(code: str = "59") -> Department:
    return Department(
        code,
        name="Nord" if code == "59" else "La Réunion",
        contact_email=f"ase@cd{code}.example.fr",
        contact_phone="+33359730000" if code == "59" else "+262262900000",
        relance_jours=7,
        escalade_jours=14,
        ack_ttl_days=60,
    )


def record(born: date, **extra: object) -> YouthRecord:
    values: dict = {
        "id_externe": "59-0012",
        "nom": "Durand",
        "prenom": "Inès",
        "date_naissance": born,
        "code_commune": "59350",
        "referent_email": "p.martin@cd59.example.fr",
        "referent_nom": "Paul Martin",
        "referent_telephone": "+33320123456",
        "besoin_logement": True,
        "parcours": {"ressources": "en_cours", "logement": "a_traiter", "emploi": "en_cours"},
        **extra,
    }
    return YouthRecord(**values)


COMMUNES = {"59350": "Lille", "97411": "Saint-Denis"}


def stored(youth: YouthRecord, route: Route = ML, kind: str = "mission_locale", **extra) -> dict:
    """A message's stored context (what dispatch reads back)."""
    code = youth.code_commune[:3] if youth.code_commune.startswith("97") else youth.code_commune[:2]
    view = snapshot.build(
        youth,
        department=snapshot.department_view(department(code)),
        partner=snapshot.partner_view(route),
        kind=kind,
        commune_nom=COMMUNES.get(youth.code_commune),
    )
    return {
        "referral_id": "ref_0123456789abcdef0123456789abcdef",
        "snapshot": view.to_item(),
        **extra,
    }


ADULT = date(2007, 10, 21)  # 18 on 21 October 2025: already adult on 30 November 2026
SIXTEEN = date(2010, 5, 12)  # 16 on 30 November 2026: the 17th-birthday interview still applies
SEVENTEEN = date(2009, 5, 12)  # 17: past the interview's deadline, not yet adult


def assert_proof_read(subject: str) -> None:
    """A subject line as a proof-reader wants it (the defects partners saw in 2026)."""
    assert "  " not in subject, subject
    assert not re.search(r"\S[–—]|[–—]\S", subject), subject  # spaces around dashes
    assert not re.search(r",\S", subject), subject  # a space after a comma
    assert not re.search(r"\s[,.]", subject), subject
    assert subject == subject.strip() and subject[0].isupper(), subject

"""The placement structure's notice (SPEC §5.1, CNAPE): when, to whom, and what it shows. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.delivery import compose
from chalicelib.domain import ids
from chalicelib.local.outbox import ACK_LINK
from chalicelib.pathway import placement
from chalicelib.store.models import Message
from tests.fixtures.privacy import sensitive

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
REFERRAL = "ref_0123456789abcdef0123456789abcdef"


def snapshot(kind: str = "mission_locale", lieu: dict | None = None) -> dict:
    return {
        "kind": kind,
        "department": {
            "code": "59",
            "name": "Nord",
            "contact_email": "ase@cd59.example.fr",
            "ack_ttl_days": 60,
        },
        "partner": {
            "type": kind,
            "id": "ML59A",
            "nom": "Mission locale de Lille",
            "email": "accueil@ml-lille.example.fr",
            "telephone": "+33320000000",
            "telephone_mobile": False,
            "canal": "email",
        },
        "youth": {
            "id_externe": "D-1",
            "prenom": sensitive("Inès"),
            "initiale": "B.",
            "majority_date": "2026-09-01",
            "commune_code": "59350",
            "commune_nom": "Lille",
            "besoin_logement": False,
            "parts_not_secured": ["sante"],
            "telephone": sensitive("+33612345678"),
            "email": sensitive("ines.jeune@example.org"),
            "referent": {
                "nom": "Paul Martin",
                "email": "p.martin@cd59.example.fr",
                "telephone": None,
            },
            "entretien": None,
            "lieu_accueil": lieu,
        },
    }


def referral_message(view: dict, purpose: str = "referral") -> Message:
    return Message(
        ids.message_id(REFERRAL, "initial"),
        department="59",
        referral_id=REFERRAL,
        purpose=purpose,
        template="referral_mission_locale",
        channel="email",
        recipients=["accueil@ml-lille.example.fr"],
        context={"referral_id": REFERRAL, "snapshot": view},
    )


MECS = {"nom": "MECS Les Tilleuls", "email": "accueil@mecs-tilleuls.example.org"}


def test_a_mission_locale_referral_with_a_known_structure_address_brings_its_notice():
    notice = placement.notice_for(referral_message(snapshot(lieu=MECS)), NOW)
    assert notice is not None
    assert (
        notice.message_id == ids.message_id(REFERRAL, "placement") == placement.message_id(REFERRAL)
    )
    assert (notice.purpose, notice.template, notice.channel, notice.status) == (
        "placement",
        "placement_info",
        "email",
        "pending",
    )
    assert notice.recipients == ["accueil@mecs-tilleuls.example.org"]
    assert notice.department == "59"


@pytest.mark.parametrize(
    ("view", "purpose"),
    [
        (snapshot(lieu=None), "referral"),  # no placement structure
        (snapshot(lieu={"nom": "Famille d'accueil", "email": None}), "referral"),  # no address
        (snapshot(kind="habitat_jeunes", lieu=MECS), "referral"),  # housing referral
        (snapshot(kind="entretien", lieu=MECS), "invitation"),  # interview invitation
        (snapshot(lieu=MECS), "reminder"),  # a reminder is not the referral going out
    ],
)
def test_no_notice_without_an_address_or_for_anything_but_the_mission_locale_referral(
    view, purpose
):
    assert placement.notice_for(referral_message(view, purpose), NOW) is None


def test_the_notice_keeps_neither_the_youths_own_contact_nor_an_answer_link():
    notice = placement.notice_for(referral_message(snapshot(lieu=MECS)), NOW)
    assert notice is not None
    stored = notice.context.as_dict()
    assert "snapshot" not in stored and "referral_id" not in stored
    assert "+33612345678" not in str(stored) and "ines.jeune" not in str(stored)
    email = compose.email(notice.template, stored, list(notice.recipients), NOW)
    assert not ACK_LINK.search(email.text) and "/ack/" not in email.html
    assert "+33612345678" not in email.text + email.html
    assert "accueil@ml-lille.example.fr" in email.text and "03 20 00 00 00" in email.text
    assert "accueilli(e) par MECS Les Tilleuls" in email.text
    assert "Inès B." in email.text and "p.martin@cd59.example.fr" in email.html
    assert email.subject == (
        "Information : orientation vers Mission locale de Lille – Nord (59), majorité en "
        "septembre 2026"
    )

"""The placement structure's information email (SPEC §5.1, CNAPE's commitment).

When a mission-locale referral goes out and the roster gives the youth's placement structure an
email address, that structure learns which mission locale will contact the youth and how to reach
it (template ``placement_info``; no answer link). The message is written in the same transaction
that moves the referral from ``pending`` to ``sent`` (``delivery.outcomes.mark_sent``): that
referral condition makes it once per referral. Its id is ``ids.message_id(referral_id,
"placement")``, so whoever knows the referral (erasure) can find it.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import ids
from chalicelib.domain.enums import Channel, Kind
from chalicelib.domain.snapshot import Placement, SharedYouth, Snapshot
from chalicelib.domain.stored import StoredMessage
from chalicelib.store import messages as message_store

PURPOSE, TEMPLATE, KIND = "placement", "placement_info", Kind.MISSION_LOCALE
DEPARTMENT_KEYS = ("code", "name", "contact_email")
PARTNER_KEYS = ("type", "nom", "email", "telephone")


def message_id(referral_id: str) -> str:
    return ids.message_id(referral_id, PURPOSE)


def placement_address(snapshot: Snapshot) -> str | None:
    """The placement structure's address when this referral calls for its notice, else None."""
    if snapshot.kind != KIND or snapshot.youth is None:
        return None
    lieu = snapshot.youth.lieu_accueil
    return (lieu.email if lieu is not None else None) or None


def notice_context(snapshot: Snapshot, youth: SharedYouth) -> dict:
    """The least the structure needs: the youth as it knows them, the mission locale, the referent.
    Never the youth's own phone or email, nor the partner's answer link."""
    department = snapshot.department.to_item() if snapshot.department is not None else {}
    partner = snapshot.partner.to_item()
    lieu = youth.lieu_accueil or Placement()
    return {
        "department": {key: department.get(key) for key in DEPARTMENT_KEYS},
        "youth": {
            "prenom": youth.prenom,
            "initiale": youth.initiale,
            "majority_date": youth.majority_date,
            "commune_code": youth.commune_code,
            "commune_nom": youth.commune_nom,
            "lieu_accueil": {"nom": lieu.nom, "email": lieu.email},
            "referent": {
                "nom": youth.referent.nom,
                "email": youth.referent.email,
                "telephone": youth.referent.telephone,
            },
        },
        "partner": {key: partner.get(key) for key in PARTNER_KEYS},
    }


def notice_for(message: StoredMessage, now: datetime) -> StoredMessage | None:
    """The notice that goes with the first send of ``message`` (a referral message), or None."""
    if message.purpose != "referral" or not message.referral_id:
        return None
    snapshot = Snapshot.from_item(message.context.as_dict().get("snapshot"))
    address = placement_address(snapshot)
    if not address or snapshot.youth is None:
        return None
    return message_store.new(
        message_id=message_id(message.referral_id),
        youth_key=message.youth_key,
        expires_at=message.expires_at,
        department=message.department,
        purpose=PURPOSE,
        template=TEMPLATE,
        channel=Channel.EMAIL,
        recipients=[address],
        context=notice_context(snapshot, snapshot.youth),
        now=now,
    )

"""What the partners' space shows of a referral: exactly what the referral's own page shows (the
same context, ``ack.service.referral_context``), grouped by where the structure stands, and the
same facts as CSV cells. No I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.ack import service as ack
from chalicelib.domain.enums import ANSWERABLE
from chalicelib.domain.labels import (
    REFERRAL_TITLES,
    SPACE_GROUP_LABELS,
    SPACE_GROUPS,
    SPACE_STATE_LABELS,
    answer_label,
)
from chalicelib.domain.stored import StoredReferral
from chalicelib.store.base import live

CSV_COLUMNS = (
    "departement",
    "orientation",
    "jeune",
    "majorite",
    "commune",
    "etat",
    "recue_le",
    "reponse",
    "date_rdv",
    "conseiller_nom",
    "conseiller_telephone",
    "entretien",
    "referent_email",
    "departement_email",
)


def shown(referral: StoredReferral, partner_type: str, now: datetime) -> bool:
    """A referral the structure may see in its space: its own, live, the same statuses as the
    referral's own page, not an erased youth's anonymous copy (no token, no snapshot)."""
    return (
        referral.partner_type == partner_type
        and referral.status in ANSWERABLE
        and bool(referral.token_hash)
        and referral.snapshot_view().youth is not None
        and live(referral, now)
    )


def entry(referral: StoredReferral, paths: tuple[str, str], now: datetime, number: int) -> dict:
    """One referral of the list: its page's context, its state, and its own form's ids."""
    detail, action = paths
    return listed(
        ack.referral_context(referral, now, link=detail, form_action=action),
        status=referral.status,
        received=referral.sent_at or referral.created_at,
        closed=ack.link_expired(referral, now),
        number=number,
    )


def listed(context: dict, *, status: str, received: str, closed: bool, number: int) -> dict:
    """A referral page's context as an entry of the list (``number``: its place on the page)."""
    group = SPACE_GROUPS[status]
    return {
        **context,
        "group": group,
        "state_label": SPACE_STATE_LABELS[group],
        "closed": closed,
        "received_on": received[:10],
        "prefix": f"o{number}-",
    }


def groups(entries: list[dict]) -> list[dict[str, Any]]:
    """The entries under each state, in ``SPACE_GROUP_LABELS``' order; empty groups left out."""
    return [
        {"key": key, "title": title, "entries": found}
        for key, title in SPACE_GROUP_LABELS.items()
        if (found := [item for item in entries if item["group"] == key])
    ]


def csv_row(item: dict) -> dict[str, Any]:
    """One CSV line: the facts of the list, none of the youth's own contact."""
    youth, answer, department = item["youth"], item.get("current_answer") or {}, item["department"]
    interview = youth.get("entretien") or {}
    return {
        "departement": f"{department.get('name')} ({department.get('code')})",
        "orientation": REFERRAL_TITLES.get(item["kind"], item["kind"]),
        "jeune": f"{youth['prenom']} {youth['initiale']}",
        "majorite": youth["majority_date"],
        "commune": youth.get("commune_nom") or youth.get("commune_code"),
        "etat": item["state_label"],
        "recue_le": item["received_on"],
        "reponse": answer_label(item["kind"], answer.get("reponse")) if answer else "",
        "date_rdv": answer.get("date_rdv"),
        "conseiller_nom": answer.get("conseiller_nom"),
        "conseiller_telephone": answer.get("conseiller_telephone"),
        "entretien": _interview(interview),
        "referent_email": (youth.get("referent") or {}).get("email"),
        "departement_email": department.get("contact_email"),
    }


def _interview(interview: dict) -> str:
    if not interview.get("date"):
        return ""
    when = interview["date"].isoformat()
    return f"{when} {interview['heure']}" if interview.get("heure") else when

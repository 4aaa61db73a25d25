"""What the follow-up routes show of stored items. Pure: items in, JSON-able dicts out.

The department owns its youths' data, so names and birth dates are shown to it; a referral is
shown without its token hash and without the snapshot sent to the partner (only the partner's
type, id and name are taken from it).
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.schedule import Schedule
from chalicelib.domain.scheduling import BLOCKED
from chalicelib.store.base import plain

CSV_COLUMNS = (
    "referral_id",
    "id_externe",
    "kind",
    "partner_type",
    "partner_id",
    "partner",
    "channel",
    "status",
    "created_at",
    "sent_at",
    "answered_at",
    "reponse",
    "date_rdv",
    "motif",
    "commentaire",
)
ANSWER_FIELDS = ("reponse", "date_rdv", "motif", "commentaire", "at")
SUMMARY_FIELDS = ("prenom", "nom", "date_naissance", "code_commune")


def youth_summary(youth: Any) -> dict:
    """One line of the youths list."""
    record = plain(youth.record) or {}
    return {
        "id_externe": youth.id_externe,
        **{name: record.get(name) for name in SUMMARY_FIELDS},
        "majority_date": youth.majority_date,
        "status": youth.status,
        "due_at": None if youth.due_at == BLOCKED else youth.due_at,
        "pathway": dict(record.get("parcours") or {}),
    }


def youth_detail(youth: Any, referrals: list[Any]) -> dict:
    """The youth with every field of its roster row, its history and its referrals."""
    record = plain(youth.record) or {}
    others = {k: v for k, v in record.items() if k not in ("id_externe", "parcours")}
    schedule = Schedule.from_item(plain(youth.scheduled))
    blocked = {str(kind): state.reason for kind, state in sorted(schedule.blocked.items())}
    return {
        **youth_summary(youth),
        **dict(sorted(others.items())),
        "created_at": youth.created_at,
        "updated_at": youth.updated_at,
        "exited_at": youth.exited_at,
        "blocked": blocked,
        "history": [event.to_item() for event in youth.events()],
        "referrals": [referral_view(referral) for referral in referrals],
    }


def referral_view(referral: Any) -> dict:
    answer = referral.current_answer()
    stored = answer.to_item() if answer is not None else {}
    return {
        "referral_id": referral.referral_id,
        "id_externe": referral.id_externe,
        "kind": referral.kind,
        "partner": {
            "type": referral.partner_type,
            "id": referral.partner_id,
            "nom": referral.snapshot_view().partner.nom,
        },
        "channel": referral.channel,
        "status": referral.status,
        "history": [change.to_item() for change in referral.status_changes()],
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "answered_at": referral.answered_at,
        "answer": {k: stored[k] for k in ANSWER_FIELDS if k in stored} if stored else None,
    }


def referral_row(referral: Any) -> dict:
    """One line of the referrals CSV (cells are neutralised by ``reports.export.safe_csv``)."""
    view = referral_view(referral)
    answer = view["answer"] or {}
    partner = view["partner"]
    return {
        **{k: view[k] for k in CSV_COLUMNS if k in view},
        "partner_type": partner["type"],
        "partner_id": partner["id"],
        "partner": partner["nom"] or partner["id"],
        **{k: answer.get(k) for k in ("reponse", "date_rdv", "motif", "commentaire")},
    }

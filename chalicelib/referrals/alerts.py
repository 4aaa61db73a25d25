"""Alerts to a department (no competent partner, undeliverable, failed, redirected): once each."""

from __future__ import annotations

from datetime import datetime

from chalicelib.referrals import ids, lifecycle
from chalicelib.referrals.snapshot import initiale
from chalicelib.roster.record import YouthRecord
from chalicelib.routing.rules import NoRoute
from chalicelib.scheduling import rules
from chalicelib.store.models import Department, Message


def youth_ref(snapshot_youth: dict) -> dict:
    """How an alert names a youth to its own department: file number, first name, initial."""
    keys = ("id_externe", "prenom", "initiale", "majority_date", "commune_code")
    return {key: snapshot_youth.get(key) for key in keys}


def alert_message(
    department: Department,
    template: str,
    key: tuple,
    context: dict,
    now: datetime,
    *,
    extra_recipients: list[str] | None = None,
    referral_id: str | None = None,
) -> Message:
    recipients = [department.contact_email, *(extra_recipients or [])]
    return lifecycle.new_message(
        message_id=ids.message_id("alert", template, department.code, *key),
        department=department.code,
        purpose="alert",
        template=template,
        channel="email",
        recipients=sorted(set(recipients)),
        context={
            "department": {
                "code": department.code,
                "name": department.name,
                "contact_email": department.contact_email,
            },
            **context,
        },
        now=now,
        referral_id=referral_id,
    )


def no_partner(
    department: Department, record: YouthRecord, kind: str, route: NoRoute, now: datetime
) -> bool:
    message = alert_message(
        department,
        "alert_no_partner",
        (record.id_externe, kind, route.reason, rules.routing_inputs(record, kind)),
        {
            "youth": youth_ref(
                {
                    "id_externe": record.id_externe,
                    "prenom": record.prenom,
                    "initiale": initiale(record.nom),
                    "majority_date": rules.majority_date(record.date_naissance).isoformat(),
                    "commune_code": record.code_commune,
                }
            ),
            "id_externe": record.id_externe,
            "kind": kind,
            "reason": route.message,
            "reason_code": route.reason,
            "candidates": list(route.candidates),
        },
        now,
    )
    return lifecycle.enqueue(message)

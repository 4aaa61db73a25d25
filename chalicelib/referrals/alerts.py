"""Alerts to a department (no competent partner, undeliverable, failed, redirected): once each."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import ids, scheduling
from chalicelib.domain.enums import Channel, Kind
from chalicelib.domain.routing import NoRoute
from chalicelib.domain.youth import YouthRecord, initial, majority_date
from chalicelib.store import messages as message_store
from chalicelib.store.departments import Department
from chalicelib.store.messages import Message


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
    youth_key: str | None = None,
    expires_at: datetime | None = None,
) -> Message:
    """An alert about one youth carries its key and expires with it."""
    recipients = [department.contact_email, *(extra_recipients or [])]
    return message_store.new(
        message_id=ids.message_id("alert", template, department.code, *key),
        department=department.code,
        purpose="alert",
        template=template,
        channel=Channel.EMAIL,
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
        youth_key=youth_key,
        expires_at=expires_at,
    )


def no_partner(
    department: Department,
    record: YouthRecord,
    kind: Kind,
    route: NoRoute,
    now: datetime,
    *,
    expires_at: datetime | None,
) -> bool:
    message = alert_message(
        department,
        "alert_no_partner",
        (record.id_externe, kind, route.reason, scheduling.routing_inputs(record, kind)),
        {
            "youth": youth_ref(
                {
                    "id_externe": record.id_externe,
                    "prenom": record.prenom,
                    "initiale": initial(record.nom),
                    "majority_date": majority_date(record.date_naissance).isoformat(),
                    "commune_code": record.code_commune,
                }
            ),
            "id_externe": record.id_externe,
            "kind": kind,
            "reason": route.message,
            "reason_code": route.reason,
        },
        now,
        youth_key=ids.youth_key(department.code, record.id_externe),
        expires_at=expires_at,
    )
    return message_store.enqueue(message)

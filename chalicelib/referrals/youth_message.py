"""The youth told (SPEC §6, v3): once a mission locale or a residence accepted, the youth (16 or
more, with consent and a phone or an email) receives one message in plain words — which
structure, the advisor and the appointment when given, how to reach them; no link, nothing of
anyone else. By SMS to a mobile (in the daytime window: dispatch waits for it), else by email.

Never without consent, never when the roster says ``informer_jeune = non``, never after a refusal
(a message still waiting is cancelled), at most one per referral, and one update when the
appointment changes (a message still waiting is revised instead). Run by the follow-up of each
answer (``followups.acknowledge``), with deterministic message ids: a run done twice queues
nothing more; it is checked again when it goes (``still_wanted``: consent, roster, address,
exit). The message stands alone (no ``referral_id``): a failure, an SMS opt-out included (checked
before each SMS, never retried), never touches the referral nor alerts about the partner.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib.domain import clock, ids
from chalicelib.domain.enums import Channel, Kind, MessageStatus, ReferralStatus, YouthStatus
from chalicelib.domain.stored import StoredDepartment, StoredReferral
from chalicelib.domain.youth import YouthRecord, age_on
from chalicelib.store import messages as message_store
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain

PURPOSE = TEMPLATE = "youth_informed"
KINDS = (Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES)
MIN_AGE = 16
UNSENT = (MessageStatus.PENDING, MessageStatus.CANCELLED)  # waiting, or held back by a refusal
DEPARTMENT_KEYS = ("code", "name", "contact_email", "contact_phone")
PARTNER_KEYS = ("type", "nom", "email", "telephone")


def message_ids(referral_id: str) -> tuple[str, str]:
    """The first message and its one update."""
    return ids.message_id(referral_id, PURPOSE), ids.message_id(referral_id, PURPOSE, "update")


def on_answer(department: StoredDepartment, referral: StoredReferral, now: datetime) -> str:
    """After the partner's answer: tell the youth, update it, or hold back. Returns what was done
    (``told``, ``updated``, ``cancelled`` or ``none``)."""
    if referral.kind not in KINDS:
        return "none"
    if referral.status != ReferralStatus.ACKNOWLEDGED:
        return "cancelled" if _hold_back(referral.referral_id, now) else "none"
    shared = referral.snapshot_view().youth
    if shared is None or not (shared.telephone or shared.email):
        return "none"  # no consent, or no contact: the youth's record need not be read
    youth = youth_store.get(department.code, referral.id_externe, now)
    if youth is None or youth.status != YouthStatus.ACTIVE:
        return "none"
    record, today = youth_store.record_of(youth), clock.local_today(department.code, now)
    address = _address(record, today)
    if address is None:
        return "none"
    context = message_context(referral, record, today)
    return _queue_or_update(department, referral, record, address, context, now)


def _hold_back(referral_id: str, now: datetime) -> bool:
    """After a refusal: a message to the youth still waiting does not go (one read, usually)."""
    waiting = [
        message.message_id
        for message in message_store.get_many(list(message_ids(referral_id)))
        if message.status == MessageStatus.PENDING
    ]
    return any([message_store.cancel(message_id, now) for message_id in waiting])


def still_wanted(department: str, message: Any, now: datetime) -> bool:
    """At sending: may the youth still be told, at this address? (the roster may have withdrawn
    consent, said ``informer_jeune = non``, changed the number, or the youth left meanwhile)"""
    department_code, _, id_externe = str(message.youth_key or "").partition("#")
    youth = youth_store.get(department_code or department, id_externe, now)
    if youth is None or youth.status != YouthStatus.ACTIVE:
        return False
    record = youth_store.record_of(youth)
    if _address(record, clock.local_today(department, now)) is None:
        return False
    reachable = {record.telephone if record.telephone_mobile else None, record.email}
    return str(message.recipients[0]) in reachable


def _address(record: YouthRecord, today: date) -> tuple[Channel, str, Channel | None] | None:
    """How to reach the youth, if it may be told: (channel, recipient, fallback channel)."""
    if not (record.consentement and record.informer_jeune):
        return None
    if age_on(record.date_naissance, today) < MIN_AGE:
        return None
    if record.telephone and record.telephone_mobile:
        return Channel.SMS, record.telephone, Channel.EMAIL if record.email else None
    if record.email:
        return Channel.EMAIL, record.email, None
    return None


def message_context(referral: StoredReferral, record: YouthRecord, today: date) -> dict[str, Any]:
    """What the youth reads: its first name, the structure, the advisor and the appointment."""
    view = referral.snapshot_view()
    department = view.department.to_item() if view.department is not None else {}
    partner = view.partner.to_item()
    answer = referral.current_answer()
    advisor = {
        "nom": answer.conseiller_nom if answer else None,
        "telephone": answer.conseiller_telephone if answer else None,
    }
    rdv = answer.date_rdv if answer else None
    return {
        "department": {key: department.get(key) for key in DEPARTMENT_KEYS},
        "youth": {"prenom": record.prenom, "minor": today < record.majority_date},
        "partner": {key: partner.get(key) for key in PARTNER_KEYS},
        "kind": referral.kind,
        "advisor": advisor if advisor["nom"] or advisor["telephone"] else None,
        "appointment": {"date": rdv} if rdv else None,
    }


def _queue_or_update(
    department: StoredDepartment,
    referral: StoredReferral,
    record: YouthRecord,
    address: tuple[Channel, str, Channel | None],
    context: dict[str, Any],
    now: datetime,
) -> str:
    """The first message, revised while it has not gone; once it went, one update when the
    appointment changed."""
    first_id, update_id = message_ids(referral.referral_id)
    first = message_store.get(first_id)
    if first is None or first.status in UNSENT:
        new = _message(department, referral, record, address, first_id, context, now)
        return "told" if _queue_or_revise(first, new, context, now) else "none"
    told = plain(first.context) or {}
    if not context["appointment"] or told.get("appointment") == context["appointment"]:
        return "none"
    update = message_store.get(update_id)
    if update is not None and update.status not in UNSENT:
        return "none"  # one update at most
    changed = {**context, "update": True}
    new = _message(department, referral, record, address, update_id, changed, now)
    return "updated" if _queue_or_revise(update, new, changed, now) else "none"


def _queue_or_revise(existing: Any, message: Any, context: dict[str, Any], now: datetime) -> bool:
    if existing is None:
        return message_store.enqueue(message)
    if existing.status == MessageStatus.PENDING and (plain(existing.context) or {}) == context:
        return False
    return message_store.revise_unsent(existing.message_id, context, now)


def _message(
    department: StoredDepartment,
    referral: StoredReferral,
    record: YouthRecord,
    address: tuple[Channel, str, Channel | None],
    message_id: str,
    context: dict[str, Any],
    now: datetime,
) -> Any:
    channel, recipient, fallback = address
    return message_store.new(
        message_id=message_id,
        department=department.code,
        youth_key=referral.youth_key,
        purpose=PURPOSE,
        template=TEMPLATE,
        channel=channel,
        recipients=[recipient],
        fallback_channel=fallback,
        fallback_recipients=[record.email or ""] if fallback else None,
        context=context,
        now=now,
        expires_at=referral.expires_at,
    )

"""Erasure of one youth (SPEC §4 ``DELETE``, §8): its personal data leaves every table.

* messages: every message that can concern the youth has a deterministic id (``referrals.ids``),
  so they are found by BatchGetItem without a Scan. Those about this youth alone (partner messages,
  placement notice, the referent's escalation) are deleted — pending ones are thus never sent; a
  weekly risk digest or a daily alert digest, which list several youths, lose this youth's line
  (and are deleted when no line is left);
* alerts: their ids are deterministic too (``store.alerts.alert_id``): deleted;
* referrals: each is replaced by an anonymous copy under a new random id (one TransactWriteItems:
  delete + put), keeping only what the department report counts (kind, partner, channel, status,
  dates, the answer code) and no snapshot, token, comment, note or file number; a pending referral
  becomes ``cancelled``. The deterministic id is freed, so a youth sent again later is referred
  afresh, and the old acknowledgement link leads nowhere;
* the youth item is deleted last, so an interrupted erasure can simply be asked again;
* the audit records an ``erasure`` event with counts only.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from chalicelib import audit, clock
from chalicelib.alerts import raising
from chalicelib.departments import service as departments
from chalicelib.domain.alerts import AlertKind
from chalicelib.errors import NotFoundError
from chalicelib.followup.views import plain
from chalicelib.observability import logger
from chalicelib.pathway import digest, placement
from chalicelib.referrals import ids, lifecycle
from chalicelib.referrals.followups import escalation_message_id
from chalicelib.roster.record import MAX_ID
from chalicelib.scheduling import rules
from chalicelib.store import alerts as store_alerts
from chalicelib.store.base import iso
from chalicelib.store.models import Message, Referral, Youth
from chalicelib.store.transactions import TransactWriteError, conditions_failed, transaction

ERASED_ID = ""  # never a roster id (id_externe is required)
PARTNER_MESSAGE_KEYS = ("initial", "reminder")
BATCH_GET = 100
DIGEST_LOOKAHEAD = timedelta(weeks=4)


def erase(code: str, id_externe: str, *, actor: str, now: datetime) -> dict[str, int]:
    if not id_externe or len(id_externe) > MAX_ID:
        raise NotFoundError("Jeune inconnu dans ce département.")
    youth = _youth(code, id_externe)
    referrals = lifecycle.referrals_of(code, id_externe)
    if youth is None and not referrals:
        raise NotFoundError("Jeune inconnu dans ce département.")
    candidates = candidate_message_ids(code, youth, referrals)
    alert_count, alert_digests = erase_alerts(code, id_externe, referrals)
    digests = [*digest_ids(code, youth, now), *sorted(alert_digests)]
    counts = {
        "youths": 1 if youth is not None else 0,
        "referrals": len(referrals),
        "referrals_cancelled": 0,
        "messages": delete_messages(candidates),
        "alerts": alert_count,
        "digests": strip_digests(digests, id_externe),
    }
    for referral in referrals:
        counts["referrals_cancelled"] += anonymise(referral, now)
    if youth is not None:
        youth.delete()
    audit.record(code, "erasure", actor, counts=counts)
    logger.info("youth erased", extra={"department": code, "counts": counts})
    return counts


def _youth(code: str, id_externe: str) -> Youth | None:
    try:
        return Youth.get(code, id_externe, consistent_read=True)
    except Youth.DoesNotExist:
        return None


def referral_message_ids(code: str, referral_id: str, sequence: int) -> list[str]:
    """The partner messages of a referral (first, reminder, invitations), the placement notice
    and the referent's escalation email."""
    own = [ids.message_id(referral_id, key) for key in PARTNER_MESSAGE_KEYS]
    own += [ids.message_id(referral_id, ("invite", n)) for n in range(sequence + 1)]
    return [*own, placement.message_id(referral_id), escalation_message_id(code, referral_id)]


def candidate_message_ids(
    code: str, youth: Youth | None, referrals: Iterable[Referral]
) -> list[str]:
    scheduled = (plain(youth.scheduled) if youth is not None else {}) or {}
    invite_sequence = int((scheduled.get(rules.ENTRETIEN) or {}).get("sequence") or 0)
    found: list[str] = []
    for referral in referrals:
        sequence = max(int(referral.sequence or 0), invite_sequence)
        found += referral_message_ids(code, referral.referral_id, sequence)
    return list(dict.fromkeys(found))


def alert_ids(code: str, id_externe: str, referrals: Iterable[Referral]) -> list[str]:
    """Every alert that can concern the youth: ``no_partner`` per kind, the others per referral."""
    found = [
        store_alerts.alert_id(code, AlertKind.NO_PARTNER, raising.no_partner_subject(id_externe, k))
        for k in rules.KINDS
    ]
    for referral in referrals:
        found += [store_alerts.alert_id(code, kind, referral.referral_id) for kind in AlertKind]
    return found


def erase_alerts(code: str, id_externe: str, referrals: Iterable[Referral]) -> tuple[int, set]:
    """Delete the youth's alerts; return how many there were and the digests that listed them."""
    candidates = alert_ids(code, id_externe, referrals)
    existing = store_alerts.get_many(code, candidates)
    store_alerts.delete_all(code, [alert.alert_id for alert in existing])
    return len(existing), {alert.digest_id for alert in existing if alert.digest_id}


def delete_messages(message_ids: list[str]) -> int:
    """Delete those of ``message_ids`` that exist; return how many did."""
    existing: list[str] = []
    for start in range(0, len(message_ids), BATCH_GET):
        chunk = message_ids[start : start + BATCH_GET]
        existing += [
            m.message_id for m in Message.batch_get(chunk, attributes_to_get=["message_id"])
        ]
    with Message.batch_write() as batch:
        for message_id in existing:
            batch.delete(Message(message_id))
    return len(existing)


def digest_ids(code: str, youth: Youth | None, now: datetime) -> list[str]:
    """The weekly digests that may still list the youth: its referent's and the department's."""
    if youth is None:
        return []
    referent = str((plain(youth.record) or {}).get("referent_email") or "")
    contact = departments.get(code).contact_email
    recipients = [address for address in (referent, contact) if address]
    today = clock.local_today(code, now)
    # jobs may have run with a clock ahead of ours (``jobs run --today`` in demos): look ahead too
    days = (today, today + DIGEST_LOOKAHEAD)
    return list(dict.fromkeys(i for day in days for i in digest.message_ids(code, recipients, day)))


def strip_digests(message_ids: list[str], id_externe: str) -> int:
    """Remove the youth's line from each digest listing it; return how many digests changed."""
    changed = 0
    for message in Message.batch_get(message_ids) if message_ids else []:
        context = plain(message.context) or {}
        lines = list(context.get("items") or [])
        kept = [line for line in lines if line.get("id_externe") != id_externe]
        if len(kept) == len(lines):
            continue
        changed += 1
        if not kept:
            message.delete()
            continue
        message.update(
            actions=[Message.context.set({**context, "items": kept})],
            condition=Message.message_id.exists(),
        )
    return changed


def anonymise(referral: Referral, now: datetime) -> int:
    """Replace the referral by its anonymous copy; 1 when it was cancelled on the way."""
    cancel = referral.status in lifecycle.UNSENT
    history = [
        {"at": entry.get("at"), "status": entry.get("status")}
        for entry in (plain(referral.history) or [])
    ]
    if cancel:
        history.append(lifecycle.entry("cancelled", now))
    answer = plain(referral.answer) or {}
    partner = (plain(referral.snapshot) or {}).get("partner") or {}
    new_id = "ref_" + secrets.token_hex(16)
    copy = Referral(
        new_id,
        department=referral.department,
        id_externe=ERASED_ID,
        youth_key=f"erased#{new_id}",
        kind=referral.kind,
        partner_type=referral.partner_type,
        partner_id=referral.partner_id,
        channel=referral.channel,
        status="cancelled" if cancel else referral.status,
        history=[*history, {"at": iso(now), "status": "erased"}],
        created_at=referral.created_at,
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        answer={"reponse": answer["reponse"]} if answer.get("reponse") else None,
        snapshot={"partner": {k: partner.get(k) for k in ("type", "id", "nom")}},
        sequence=int(referral.sequence or 0),
        expires_at=referral.expires_at,
    )
    try:
        with transaction() as write:
            write.delete(Referral(referral.referral_id), condition=Referral.referral_id.exists())
            write.save(copy, condition=Referral.referral_id.does_not_exist())
    except TransactWriteError as error:
        if conditions_failed(error):
            return 0  # a concurrent erasure replaced it first: one anonymous copy only
        raise
    return 1 if cancel else 0

"""Erasure of one youth (SPEC §4 ``DELETE``, §8): its personal data leaves every table.

* messages: every message that can concern the youth has a deterministic id (``domain.ids``),
  so they are found by BatchGetItem without a Scan. Those about this youth alone (partner messages,
  placement notice, alerts) are deleted — pending ones are thus never sent; a weekly risk digest,
  which lists several youths, loses this youth's line (and is deleted when no line is left);
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

from chalicelib import audit
from chalicelib.departments import service as departments
from chalicelib.domain import clock, ids, scheduling
from chalicelib.domain.clock import iso
from chalicelib.domain.enums import ReferralStatus
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.youth import MAX_ID, YouthRecord
from chalicelib.errors import NotFoundError
from chalicelib.observability import logger
from chalicelib.pathway import digest, placement
from chalicelib.referrals import lifecycle
from chalicelib.routing.rules import REASONS
from chalicelib.store.base import plain
from chalicelib.store.models import Message, Referral, Youth
from chalicelib.store.transactions import TransactWriteError, conditions_failed, transaction

ERASED_ID = ""  # never a roster id (id_externe is required)
PARTNER_MESSAGE_KEYS = ("initial", "reminder")
REFERRAL_ALERTS = ("escalation", "alert_redirected")
MESSAGE_ALERTS = ("alert_undeliverable", "alert_failed")
BATCH_GET = 100
DIGEST_LOOKAHEAD = timedelta(weeks=4)


def erase(code: str, id_externe: str, *, actor: str, now: datetime) -> dict[str, int]:
    if not id_externe or len(id_externe) > MAX_ID:
        raise NotFoundError("Jeune inconnu dans ce département.")
    youth = _youth(code, id_externe)
    referrals = lifecycle.referrals_of(code, id_externe)
    if youth is None and not referrals:
        raise NotFoundError("Jeune inconnu dans ce département.")
    candidates = candidate_message_ids(code, id_externe, youth, referrals)
    counts = {
        "youths": 1 if youth is not None else 0,
        "referrals": len(referrals),
        "referrals_cancelled": 0,
        "messages": delete_messages(candidates),
        "digests": strip_digests(digest_ids(code, youth, now), id_externe),
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


def alert_id(code: str, template: str, *key: object) -> str:
    """The id ``referrals.alerts.alert_message`` gives an alert."""
    return ids.message_id("alert", template, code, *key)


def referral_message_ids(code: str, referral_id: str, sequence: int) -> list[str]:
    """The partner messages of a referral (first, reminder, invitations), their failure alerts,
    and the escalation / redirection alerts."""
    own = [ids.message_id(referral_id, key) for key in PARTNER_MESSAGE_KEYS]
    own += [ids.message_id(referral_id, ("invite", n)) for n in range(sequence + 1)]
    found = [*own, placement.message_id(referral_id)]
    found += [alert_id(code, template, referral_id) for template in REFERRAL_ALERTS]
    found += [alert_id(code, template, mid) for mid in own for template in MESSAGE_ALERTS]
    return found


def no_partner_ids(code: str, id_externe: str, inputs: dict[str, set[str]]) -> list[str]:
    """``alert_no_partner`` ids for each kind, reason and routing inputs the youth ever had."""
    return [
        alert_id(code, "alert_no_partner", id_externe, kind, reason, value)
        for kind in scheduling.KINDS
        for value in sorted(inputs.get(kind, set()))
        for reason in REASONS
    ]


def candidate_message_ids(
    code: str, id_externe: str, youth: Youth | None, referrals: Iterable[Referral]
) -> list[str]:
    schedule = Schedule.from_item(plain(youth.scheduled) if youth is not None else None)
    inputs: dict[str, set[str]] = {kind: set() for kind in scheduling.KINDS}
    if youth is not None:
        record = YouthRecord.from_attributes(plain(youth.record))
        for kind in scheduling.KINDS:
            inputs[kind].add(scheduling.routing_inputs(record, kind))
    for kind, blocked in schedule.blocked.items():
        if blocked.inputs:
            inputs[kind].add(blocked.inputs)
    for kind, pairs in schedule.alerted.items():
        inputs[kind].update(pair[1] for pair in pairs)
    invite_sequence = schedule.invitation.sequence if schedule.invitation else 0
    found = no_partner_ids(code, id_externe, inputs)
    for referral in referrals:
        sequence = max(int(referral.sequence or 0), invite_sequence)
        found += referral_message_ids(code, referral.referral_id, sequence)
    return list(dict.fromkeys(found))


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
        history.append(lifecycle.entry(ReferralStatus.CANCELLED, now))
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
        status=ReferralStatus.CANCELLED if cancel else referral.status,
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

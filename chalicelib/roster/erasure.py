"""Erasure of one youth (SPEC §4 ``DELETE``, §8): its personal data leaves every table.

* first, a future interview the mission locale was sent is cancelled (SPEC §6: an erased youth
  exits): the CANCEL is queued with the event, its place and the partner only — no name, no file
  number, no ``youth_key`` — and deleted once sent or given up (``lifecycle.on_erasure``,
  ``invitations.cancel_erased``, ``store.messages.forget``): the advisor stops waiting for the
  youth, and nothing of the youth outlives the send;
* messages: every message about this youth alone (partner messages, invitations, placement
  notice, alerts) carries its ``youth_key``, so one Query of the messages' ``youth-index`` finds
  them and they are deleted — pending ones are thus never sent; a weekly risk digest or a daily
  alert digest, which list several youths, lose this youth's line (and are deleted when no line
  is left);
* alerts: their ids are deterministic (``alerts.raising.youth_alert_ids``): deleted, and again
  once the youth item is gone (an alert naming a youth is raised only while the youth exists, so
  a bounce racing the erasure leaves nothing behind);
* referrals: each is replaced by an anonymous copy (``store.referrals.erase``), keeping only what
  the department report counts; a pending referral becomes ``cancelled``. The old
  acknowledgement link leads nowhere;
* the youth item is deleted last, so an interrupted erasure can simply be asked again;
* the audit records an ``erasure`` event with counts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from chalicelib.alerts import raising
from chalicelib.departments import service as departments
from chalicelib.domain import clock, ids
from chalicelib.domain.stored import StoredReferral, StoredYouth
from chalicelib.domain.youth import MAX_ID
from chalicelib.errors import NotFoundError
from chalicelib.observability import logger
from chalicelib.pathway import digest
from chalicelib.referrals import lifecycle
from chalicelib.store import alerts as store_alerts
from chalicelib.store import audit
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain

DIGEST_LOOKAHEAD = timedelta(weeks=4)


def erase(code: str, id_externe: str, *, actor: str, now: datetime) -> dict[str, int]:
    if not id_externe or len(id_externe) > MAX_ID:
        raise NotFoundError("Jeune inconnu dans ce département.")
    youth = youth_store.get(code, id_externe, now=None, consistent=True)
    # before anything is deleted: the CANCEL needs the invitation's event and partner
    cancelled = lifecycle.on_erasure(departments.get(code), youth, now) if youth else 0
    referrals = referral_store.of_youth(code, id_externe)
    if youth is None and not referrals:
        raise NotFoundError("Jeune inconnu dans ce département.")
    own = [m.message_id for m in message_store.of_youth(ids.youth_key(code, id_externe))]
    alert_count, alert_digests = erase_alerts(code, id_externe, referrals)
    counts = {
        "youths": 1 if youth is not None else 0,
        "referrals": len(referrals),
        "referrals_cancelled": 0,
        "invitations_cancelled": cancelled,
        "messages": message_store.delete(own),
        "alerts": alert_count,
        "digests": strip_digests(
            [*digest_ids(code, youth, now), *sorted(alert_digests)], id_externe
        ),
    }
    for referral in referrals:
        counts["referrals_cancelled"] += int(referral_store.erase(referral, now))
    if youth is not None:
        youth_store.erase(youth)
    # An event handled meanwhile (a bounce read its message before it went) may have raised an
    # alert after the first pass; once the youth is gone, none can be raised (store.alerts).
    late, late_digests = erase_alerts(code, id_externe, referrals)
    counts["alerts"] += late
    counts["digests"] += strip_digests(late_digests, id_externe)
    audit.record(code, "erasure", actor, counts=counts)
    logger.info("youth erased", extra={"department": code, "counts": counts})
    return counts


def erase_alerts(
    code: str, id_externe: str, referrals: Iterable[StoredReferral]
) -> tuple[int, list[str]]:
    """Delete the youth's alerts; return how many there were and the digests that listed them."""
    alert_ids = raising.youth_alert_ids(code, id_externe, [r.referral_id for r in referrals])
    existing = store_alerts.get_many(code, alert_ids)
    store_alerts.delete_all(code, [alert.alert_id for alert in existing])
    return len(existing), sorted({alert.digest_id for alert in existing if alert.digest_id})


def digest_ids(code: str, youth: StoredYouth | None, now: datetime) -> list[str]:
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
    for message in message_store.get_many(message_ids) if message_ids else []:
        context = plain(message.context) or {}
        lines = list(context.get("items") or [])
        kept = [line for line in lines if line.get("id_externe") != id_externe]
        if len(kept) == len(lines):
            continue
        changed += 1
        if kept:
            message_store.set_context(message, {**context, "items": kept})
        else:
            message_store.delete([message.message_id])
    return changed

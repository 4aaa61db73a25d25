"""The alerts aggregate (``Alert`` items): named conditional transitions, nothing else.

raise → open (or info)  : ``raise_alert`` — idempotent per (department, kind, subject); the same
                          subject raised with another fingerprint (a new answer, another reason)
                          is raised again, and a closed alert reopens. An alert naming a youth is
                          raised only while the youth exists (one transaction with a condition
                          check on the youth): a late event racing an erasure raises nothing.
any → any               : ``follow_youth`` — the alert expires with the youth it names.
open → digested         : ``mark_included`` — the daily digest has listed it (it stays open).
open → closed           : ``close`` — someone acted (or the situation resolved itself).
Reads: ``get``, ``list_open`` (open-index), ``pending_digest`` (digest-index): each one Query.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, cast

from chalicelib.domain.alert_details import AlertDetails
from chalicelib.domain.alerts import AlertKind, AlertState
from chalicelib.domain.clock import iso
from chalicelib.domain.stored import StoredAlert
from chalicelib.store.base import live, own
from chalicelib.store.models import Alert, Youth
from chalicelib.store.writes import applied, transaction

DEFAULT_TTL = timedelta(days=400)  # when the youth's own expiry is not known yet


def alert_id(department: str, kind: AlertKind | str, subject: str) -> str:
    """Opaque and deterministic: safe in a console URL, the same for the same subject."""
    text = "|".join(("alert", department, str(kind), subject))
    return "al_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def raise_alert(
    department: str,
    kind: AlertKind,
    subject: str,
    now: datetime,
    *,
    details: AlertDetails,
    fingerprint: str = "",
    id_externe: str | None = None,
    referral_id: str | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Open the alert (or record the summary item); False when exactly this was already raised,
    or when it names a youth (``id_externe``) that no longer exists (erased meanwhile)."""
    state = AlertState.OPEN if kind.actionable else AlertState.INFO
    actions: list[Any] = [
        Alert.kind.set(kind.value),
        Alert.state.set(state.value),
        Alert.fingerprint.set(fingerprint),
        Alert.details.set(details.to_item()),
        Alert.raised_at.set(iso(now)),
        Alert.digest_due.set(iso(now)),
        Alert.expires_at.set(expires_at or now + DEFAULT_TTL),
        Alert.digested_at.remove(),
        Alert.digest_id.remove(),
        Alert.closed_at.remove(),
        Alert.closed_by.remove(),
        Alert.closed_action.remove(),
    ]
    actions.append(Alert.open_since.set(iso(now)) if kind.actionable else Alert.open_since.remove())
    if id_externe is not None:
        actions.append(Alert.id_externe.set(id_externe))
    if referral_id is not None:
        actions.append(Alert.referral_id.set(referral_id))
    condition = Alert.alert_id.does_not_exist() | (Alert.fingerprint != fingerprint)
    alert = Alert(department, alert_id(department, kind, subject))
    if id_externe is None:
        return _update(alert, actions, condition)

    def write() -> None:
        with transaction() as batch:
            batch.update(alert, actions=actions, condition=condition)
            batch.condition_check(
                Youth, department, id_externe, condition=Youth.id_externe.exists()
            )

    return applied(write)


def follow_youth(department: str, alert_ids: list[str], expires_at: datetime) -> list[StoredAlert]:
    """The existing ones of ``alert_ids`` (a youth's) expire with the youth; returns them."""
    found = get_many(department, alert_ids)
    for alert in found:
        if alert.expires_at != expires_at:
            _update(own(alert, Alert), [Alert.expires_at.set(expires_at)], Alert.alert_id.exists())
    return found


def unsaved(department: str, alert_id_: str, **attributes: Any) -> StoredAlert:
    """An alert as the store keeps it, never written (``local.samples`` renders from it)."""
    return cast(StoredAlert, Alert(department, alert_id_, **attributes))


def close(department: str, alert_id_: str, now: datetime, *, by: str, action: str) -> bool:
    """Close an open alert; False if it is not open (already closed, or unknown)."""
    actions = [
        Alert.state.set(AlertState.CLOSED.value),
        Alert.closed_at.set(iso(now)),
        Alert.closed_by.set(by),
        Alert.closed_action.set(action),
        Alert.open_since.remove(),
        Alert.digest_due.remove(),  # acted on before the digest: nothing left to tell
    ]
    condition = Alert.state == AlertState.OPEN.value
    return _update(Alert(department, alert_id_), actions, condition)


def close_subject(
    department: str, kind: AlertKind, subject: str, now: datetime, *, by: str, action: str
) -> bool:
    return close(department, alert_id(department, kind, subject), now, by=by, action=action)


def mark_included(alert: StoredAlert, digest_id: str, now: datetime) -> bool:
    """The digest ``digest_id`` listed this alert: it leaves the digest queue (once)."""
    actions = [
        Alert.digest_due.remove(),
        Alert.digested_at.set(iso(now)),
        Alert.digest_id.set(digest_id),
    ]
    due = alert.digest_due
    if due is None:
        return False
    return _update(own(alert, Alert), actions, Alert.digest_due == due)


def get(department: str, alert_id_: str, now: datetime | None = None) -> StoredAlert | None:
    try:
        found = Alert.get(department, alert_id_)
    except Alert.DoesNotExist:
        return None
    return cast(StoredAlert, found) if live(found, now) else None


def get_many(department: str, alert_ids: list[str]) -> list[StoredAlert]:
    """Those of ``alert_ids`` that exist (BatchGetItem, no Scan)."""
    keys = [(department, each) for each in dict.fromkeys(alert_ids)]
    return cast(list[StoredAlert], list(Alert.batch_get(keys)) if keys else [])


def list_open(department: str, now: datetime | None = None) -> list[StoredAlert]:
    """The department's open alerts, oldest first (what the console's alerts page shows)."""
    return cast(list[StoredAlert], [a for a in Alert.open_index.query(department) if live(a, now)])


def pending_digest(department: str, now: datetime | None = None) -> list[StoredAlert]:
    """Alerts raised since the last digest, oldest first (what the next digest lists)."""
    return cast(
        list[StoredAlert], [a for a in Alert.digest_index.query(department) if live(a, now)]
    )


def delete_all(department: str, alert_ids: list[str]) -> None:
    """Erasure: the alerts of an erased youth go (unknown ids are ignored)."""
    with Alert.batch_write() as batch:
        for each in sorted(set(alert_ids)):
            batch.delete(Alert(department, each))


def _update(alert: Alert, actions: list[Any], condition: Any) -> bool:
    return applied(lambda: alert.update(actions=actions, condition=condition))

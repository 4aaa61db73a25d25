"""The alerts as the console works through them (SPEC §4b v3): the open ones, an agent closing
one, a decision closing a youth's routing alerts. The console goes through here, never through
the store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.alerts.raising import no_partner_subject
from chalicelib.domain.alerts import CLOSED_BY_AGENT, AlertKind
from chalicelib.store import alerts as store
from chalicelib.store import audit


def list_open(code: str, now: datetime) -> list[Any]:
    """The department's open alerts, oldest first (the open-index: open alerts only)."""
    return store.list_open(code, now)


def get(code: str, alert_id: str, now: datetime) -> Any | None:
    return store.get(code, alert_id, now) if alert_id.startswith("al_") else None


def close_by_agent(code: str, alert_id: str, *, by: str, actor: str, now: datetime) -> None:
    if store.close(code, alert_id, now, by=by, action=CLOSED_BY_AGENT):
        audit.record(code, "alert_closed", actor, subject=alert_id)


def close_routing(
    code: str, id_externe: str, kind: str, referral_ids: Iterable[str], *, by: str, now: datetime
) -> None:
    """The agent decided on the youth's routing for ``kind``: its routing alerts have nothing
    left (no partner for the kind, the refusals or "non compétent" of ``referral_ids``)."""
    subject = no_partner_subject(id_externe, kind)
    store.close_subject(code, AlertKind.NO_PARTNER, subject, now, by=by, action=CLOSED_BY_AGENT)
    for referral_id in referral_ids:
        for refusal in (AlertKind.REFUSED, AlertKind.REDIRECTED):
            store.close_subject(code, refusal, referral_id, now, by=by, action=CLOSED_BY_AGENT)

"""The open alerts of a department (``store.alerts``, the same as the daily digest, worded by
``alerts.wording``), each with the action that closes it.

Alerts about a youth's routing (no partner, a refusal, "non compétent") close when the agent
decides on the youth's page; the others (undelivered or failed sends, no answer after the
escalation) ask the agent to call the partner, then to mark the alert as dealt with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib import refs
from chalicelib.alerts import wording
from chalicelib.domain.alerts import CLOSED_BY_AGENT, AlertKind
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.store import alerts as store
from chalicelib.store import audit
from chalicelib.store.alerts import Alert
from chalicelib.store.base import plain

ROUTING = (AlertKind.NO_PARTNER, AlertKind.REFUSED, AlertKind.REDIRECTED)
ACTIONS = {
    AlertKind.NO_PARTNER: "Choisir le partenaire",
    AlertKind.REFUSED: "Réorienter",
    AlertKind.REDIRECTED: "Réorienter",
}


@dataclass(frozen=True)
class OpenAlert:
    alert_id: str
    kind: str
    section: str
    line: wording.AlertLine
    youth_ref: str | None
    action: str
    closes_on_youth_page: bool


def view(code: str, alert: Alert) -> OpenAlert:
    kind = AlertKind(alert.kind)
    details = plain(alert.details) or {}
    return OpenAlert(
        alert_id=alert.alert_id,
        kind=kind.value,
        section=wording.SECTIONS[kind],
        line=wording.line(alert.alert_id, kind.value, details, alert.id_externe),
        youth_ref=refs.youth_ref(code, alert.id_externe) if alert.id_externe else None,
        action=ACTIONS.get(kind, "Voir le jeune"),
        closes_on_youth_page=kind in ROUTING,
    )


def open_alerts(code: str, now: datetime) -> list[OpenAlert]:
    return [view(code, alert) for alert in store.list_open(code, now)]


def one(code: str, alert_id: str, now: datetime) -> tuple[OpenAlert, bool]:
    """(the alert, whether it is still open); 404 for an unknown id or another department's."""
    found = store.get(code, alert_id, now) if alert_id.startswith("al_") else None
    if found is None:
        raise NotFoundError("Alerte inconnue.")
    return view(code, found), found.state == "open"


def close(code: str, alert_id: str, *, by: str, actor: str, now: datetime) -> None:
    """The agent dealt with it (a call to the partner, a check of the address)."""
    alert, still_open = one(code, alert_id, now)
    if alert.closes_on_youth_page:
        raise ConflictError("Cette alerte se ferme par la décision prise sur la page du jeune.")
    if still_open and store.close(code, alert_id, now, by=by, action=CLOSED_BY_AGENT):
        audit.record(code, "alert_closed", actor, subject=alert_id)


def close_routing(
    code: str, id_externe: str, referral_id: str | None, *, by: str, now: datetime
) -> None:
    """The agent decided on the youth's routing: its routing alerts have nothing left."""
    from chalicelib.alerts.raising import no_partner_subject

    store.close_subject(
        code, AlertKind.NO_PARTNER, no_partner_subject(id_externe, "mission_locale"), now,
        by=by, action=CLOSED_BY_AGENT,
    )  # fmt: skip
    for kind in (AlertKind.REFUSED, AlertKind.REDIRECTED):
        if referral_id:
            store.close_subject(code, kind, referral_id, now, by=by, action=CLOSED_BY_AGENT)

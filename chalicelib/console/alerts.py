"""The open alerts of a department (the same as the daily digest, worded by ``alerts.wording``),
each with the action that closes it, at a department's size (SPEC §4b v3): grouped by kind in
the digest's order of urgency, the oldest first in each, filtered by kind, paged; and the
decision that repeats — the mission locale of a commune shared between several — offered once
for every youth of that commune.

Alerts about a youth's routing (no partner, a refusal, "non compétent") close when the agent
decides on the youth's page (or for a whole commune here); the others (undelivered or failed
sends, no answer after the escalation) ask the agent to call the partner, then to mark the
alert as dealt with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import refs
from chalicelib.alerts import board, wording
from chalicelib.domain.alert_details import AlertDetails, Candidate
from chalicelib.domain.alerts import DIGEST_ORDER, AlertKind
from chalicelib.domain.enums import Kind
from chalicelib.errors import ConflictError, NotFoundError

ROUTING = (AlertKind.NO_PARTNER, AlertKind.REFUSED, AlertKind.REDIRECTED)
ACTIONS = {
    AlertKind.NO_PARTNER: "Choisir le partenaire",
    AlertKind.REFUSED: "Réorienter",
    AlertKind.REDIRECTED: "Réorienter",
}
PAGE_SIZE = 25
SHARED_COMMUNE = "commune_partagee"
URGENCY = {kind: rank for rank, kind in enumerate(DIGEST_ORDER)}
KINDS = frozenset(kind.value for kind in DIGEST_ORDER if kind.actionable)


@dataclass(frozen=True)
class OpenAlert:
    alert_id: str
    kind: str
    section: str
    line: wording.AlertLine
    youth_ref: str | None
    action: str
    closes_on_youth_page: bool
    open_since: str = ""


@dataclass(frozen=True)
class SharedCommune:
    """Youths waiting for the choice of a mission locale in one commune shared by several."""

    code: str
    name: str
    youths: int
    candidates: tuple[tuple[str, str], ...]  # (code_ml, name)


def view(code: str, alert: Any) -> OpenAlert:
    kind = AlertKind(alert.kind)
    details = alert.details_view()
    return OpenAlert(
        alert_id=alert.alert_id,
        kind=kind.value,
        section=wording.SECTIONS[kind],
        line=wording.line(alert.alert_id, kind.value, details, alert.id_externe),
        youth_ref=refs.youth_ref(code, alert.id_externe) if alert.id_externe else None,
        action=ACTIONS.get(kind, "Voir le jeune"),
        # a "non compétent" already routed elsewhere only informs: the agent marks it dealt with
        closes_on_youth_page=kind in ROUTING
        and not (kind is AlertKind.REDIRECTED and details.rerouted_to),
        open_since=alert.open_since or alert.raised_at,
    )


def open_alerts(code: str, now: datetime) -> list[OpenAlert]:
    """Most urgent kind first, the oldest first within a kind."""
    found = [view(code, alert) for alert in board.list_open(code, now)]
    return sorted(found, key=lambda a: (URGENCY.get(AlertKind(a.kind), 99), a.open_since))


def shared_communes(code: str, now: datetime) -> list[SharedCommune]:
    """The communes whose youths wait for the department to choose their mission locale."""
    by_commune: dict[str, list[AlertDetails]] = {}
    for alert in board.list_open(code, now):
        details = alert.details_view()
        if _is_shared_commune(alert, details):
            by_commune.setdefault(details.youth.commune_code or "", []).append(details)
    return [
        SharedCommune(
            code=commune,
            name=found[0].youth.commune_nom or commune,
            youths=len(found),
            candidates=tuple((c.code, c.nom or c.code) for c in _candidates(found[0])),
        )
        for commune, found in sorted(by_commune.items())
        if commune
    ]


def _candidates(details: AlertDetails) -> tuple[Candidate, ...]:
    return details.route.candidates if details.route is not None else ()


def _is_shared_commune(alert: Any, details: AlertDetails) -> bool:
    return (
        alert.kind == AlertKind.NO_PARTNER
        and details.route is not None
        and details.route.reason == SHARED_COMMUNE
        and details.referral_kind == Kind.MISSION_LOCALE
    )


def waiting_in_commune(code: str, commune: str, now: datetime) -> list[str]:
    """The file numbers of the youths of ``commune`` waiting for their mission locale."""
    found = []
    for alert in board.list_open(code, now):
        details = alert.details_view()
        if _is_shared_commune(alert, details) and details.youth.commune_code == commune:
            found.append(str(alert.id_externe))
    return found


def page(code: str, now: datetime, *, kind: str, number: int) -> dict:
    """One page of the open alerts (``kind``: one kind only), grouped by kind."""
    every = open_alerts(code, now)
    counts = {k.value: sum(1 for a in every if a.kind == k.value) for k in DIGEST_ORDER}
    chosen = [a for a in every if not kind or a.kind == kind]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    number = min(max(1, number), pages)
    shown = chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    groups: dict[str, list[OpenAlert]] = {}
    for alert in shown:
        groups.setdefault(alert.section, []).append(alert)
    return {
        "groups": groups,
        "total": len(every),
        "shown_total": len(chosen),
        "number": number,
        "pages": pages,
        "kind": kind,
        "kinds": [
            (k.value, wording.SECTIONS[k], counts[k.value])
            for k in DIGEST_ORDER
            if k.actionable and counts[k.value]
        ],
        "communes": shared_communes(code, now) if not kind or kind == "no_partner" else [],
    }


def one(code: str, alert_id: str, now: datetime) -> tuple[OpenAlert, bool]:
    """(the alert, whether it is still open); 404 for an unknown id or another department's."""
    found = board.get(code, alert_id, now)
    if found is None:
        raise NotFoundError("Alerte inconnue.")
    return view(code, found), found.state == "open"


def close(code: str, alert_id: str, *, by: str, actor: str, now: datetime) -> None:
    """The agent dealt with it (a call to the partner, a check of the address)."""
    alert, still_open = one(code, alert_id, now)
    if alert.closes_on_youth_page:
        raise ConflictError("Cette alerte se ferme par la décision prise sur la page du jeune.")
    if still_open:
        board.close_by_agent(code, alert_id, by=by, actor=actor, now=now)

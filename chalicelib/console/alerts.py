"""The open alerts of a department, each with the action that closes it.

An alert here is a state that waits for the department, read from the youths and their latest
referral per kind: no competent partner, a refusal or "non compétent" answer not yet dealt with,
a send that could not be delivered, no answer after the escalation. It closes by itself when the
state moves on (a mission locale chosen, a new referral sent, an answer received): the digest of
SPEC §7 announces the same events by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.console import youths
from chalicelib.reports.labels import KIND_LABELS, REASON_LABELS, label

UNDELIVERED = ("undeliverable", "failed")


@dataclass(frozen=True)
class Alert:
    kind: str  # no_partner | refused | undelivered | escalated
    title: str
    detail: str
    action: str
    youth: youths.YouthRow


def of_row(row: youths.YouthRow) -> list[Alert]:
    if row.status != "active":
        return []
    found = [
        Alert(
            "no_partner",
            f"{label(KIND_LABELS, kind)} : aucun partenaire compétent",
            label(REASON_LABELS, reason),
            "Choisir la mission locale" if kind == "mission_locale" else "Voir le jeune",
            row,
        )
        for kind, reason in sorted(row.blocked.items())
    ]
    if youths.TO_REROUTE in row.flags:
        found.append(
            Alert(
                "refused",
                "Mission locale : orientation refusée",
                "La mission locale a refusé ou s'est déclarée non compétente.",
                "Réorienter",
                row,
            )
        )
    for kind, status in sorted(row.states.items()):
        if status in UNDELIVERED:
            found.append(
                Alert(
                    "undelivered",
                    f"{label(KIND_LABELS, kind)} : envoi impossible",
                    "Le message n'a pas pu être remis au partenaire.",
                    "Voir le jeune",
                    row,
                )
            )
        elif status == "escalated":
            found.append(
                Alert(
                    "escalated",
                    f"{label(KIND_LABELS, kind)} : sans réponse malgré la relance",
                    "Le référent a été prévenu ; contactez le partenaire.",
                    "Voir le jeune",
                    row,
                )
            )
    return found


def from_rows(rows: list[youths.YouthRow]) -> list[Alert]:
    return [alert for row in rows for alert in of_row(row)]


def open_alerts(code: str, now: datetime) -> list[Alert]:
    return from_rows(youths.all_rows(code, now))

"""What the weekly risk digest says: who is at risk, grouped by referent, as plain JSON. Pure.

A youth is at risk when less than 6 months from majority with a part ``a_traiter``
(``reporting.indicators.is_pathway_risk``). A digest names youths as the department's own alerts do:
file number, first name and last-name initial, majority date, the parts to handle in French.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.domain.enums import PathwayState, YouthEvent
from chalicelib.domain.history import YouthHistoryEntry
from chalicelib.domain.labels import part_label
from chalicelib.domain.youth import YouthRecord, initial, majority_date, risk_parts
from chalicelib.messages.filters import MONTHS
from chalicelib.reporting.indicators import is_pathway_risk

DEPARTMENT_LABEL = "équipe de l'aide sociale à l'enfance"
ANONYMOUS_LABEL = "madame, monsieur"


@dataclass(frozen=True)
class RiskEntry:
    """One youth at risk, with what its digests need (nothing more)."""

    id_externe: str
    prenom: str
    initiale: str
    majority_date: date
    parts: tuple[str, ...]  # codes, in the order of PATHWAY_PARTS
    referent_email: str
    referent_nom: str | None = None

    def item(self) -> dict:
        """The digest line, plain JSON (the dispatcher turns ``majority_date`` back into a date)."""
        return {
            "id_externe": self.id_externe,
            "prenom": self.prenom,
            "initiale": self.initiale,
            "majority_date": self.majority_date.isoformat(),
            "parts": [part_label(part) for part in self.parts],
        }


# A partner that accepts takes on a part of the pathway (SPEC §6, issue 13): housing for a
# habitat-jeunes residence, employment / training for a mission locale.
PART_OF_KIND = {"habitat_jeunes": "logement", "mission_locale": "emploi"}
EN_COURS = "en_cours"
# the history events that say a part's state (the last one of a part wins)
PART_EVENTS = (YouthEvent.PARTNER_ACCEPTED, YouthEvent.PARTNER_WITHDREW, YouthEvent.PATHWAY)


def effective_parcours(
    parcours: Mapping[str, str], history: Iterable[YouthHistoryEntry]
) -> dict[str, str]:
    """The roster's pathway, where a part a partner accepted counts as ``en_cours`` until the
    next roster says otherwise (a later change of that part in the history wins)."""
    last: dict[str, str] = {}
    for item in history:
        if item.part and item.event in PART_EVENTS:
            last[item.part] = item.event
    effective: dict[str, str] = dict(parcours)
    for part, event in last.items():
        if event == YouthEvent.PARTNER_ACCEPTED and effective.get(part) == PathwayState.A_TRAITER:
            effective[part] = EN_COURS
    return effective


def answer_event(kind: str, accepted: bool, at: str) -> YouthHistoryEntry | None:
    """The youth's history entry for a partner's answer on the part it takes on (or gives up)."""
    part = PART_OF_KIND.get(kind)
    if part is None:
        return None
    event = YouthEvent.PARTNER_ACCEPTED if accepted else YouthEvent.PARTNER_WITHDREW
    return YouthHistoryEntry(at, event, part)


def risk_entry(
    record: YouthRecord, today: date, history: Iterable[YouthHistoryEntry] = ()
) -> RiskEntry | None:
    """The youth's digest entry when it is at risk on ``today``, else None."""
    majority = majority_date(record.date_naissance)
    parcours = effective_parcours(record.parcours, history)
    if not is_pathway_risk(majority, parcours, today):
        return None
    return RiskEntry(
        id_externe=record.id_externe,
        prenom=record.prenom,
        initiale=initial(record.nom),
        majority_date=majority,
        parts=tuple(risk_parts(parcours)),
        referent_email=record.referent_email.strip().lower(),
        referent_nom=record.referent_nom,
    )


def week_of(day: date) -> str:
    """The ISO week of ``day``: ``2026-W03`` (the digest's once-a-week key)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
    """``semaine du 12 janvier 2026`` (``1er`` for the first of a month)."""
    monday = monday_of(day)
    number = "1er" if monday.day == 1 else str(monday.day)
    return f"semaine du {number} {MONTHS[monday.month - 1]} {monday.year}"


def recipient_hash(address: str) -> str:
    """An opaque stand-in for an address in message ids (no personal data in keys)."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:24]


def ordered(entries: Iterable[RiskEntry]) -> list[RiskEntry]:
    return sorted(entries, key=lambda entry: (entry.majority_date, entry.id_externe))


def by_referent(entries: Iterable[RiskEntry]) -> dict[str, list[RiskEntry]]:
    """Referent address → that referent's youths, in majority order; addresses sorted."""
    groups: dict[str, list[RiskEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.referent_email, []).append(entry)
    return {address: ordered(groups[address]) for address in sorted(groups)}


def referent_label(entries: Iterable[RiskEntry]) -> str:
    """How the referent's digest greets: the name the roster gives, else a neutral form."""
    names = sorted({entry.referent_nom for entry in entries if entry.referent_nom})
    return names[0] if names else ANONYMOUS_LABEL


def digest_context(
    department: dict, recipient_label: str, entries: Iterable[RiskEntry], today: date
) -> dict:
    """The stored context of template ``risk_digest``, plain JSON."""
    return {
        "department": department,
        "recipient_label": recipient_label,
        "week": week_of(today),
        "week_label": week_label(today),
        "items": [entry.item() for entry in ordered(entries)],
    }

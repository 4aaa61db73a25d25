"""The youths list of the console: search, filters, each youth's referral state per kind.

Reads one department's partition of the youths table and its referrals (``department-index``),
then filters in memory: a department follows a few thousand youths at most, and the search by
name cannot use an index anyway. The search text arrives in a POSTed form, never in the URL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib import refs
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain
from chalicelib.store.referrals import Referral
from chalicelib.store.referrals import of_department as live_referrals
from chalicelib.store.youths import Youth

PAGE_SIZE = 100
WITHOUT_PARTNER, WITHOUT_ANSWER, TO_REROUTE = "sans_partenaire", "sans_reponse", "a_reorienter"
FLAG_LABELS = {
    WITHOUT_PARTNER: "Sans partenaire",
    WITHOUT_ANSWER: "Sans réponse",
    TO_REROUTE: "À réorienter",
}
STATUS_FILTERS = {"active": "Suivis", "exited": "Sortis du fichier"}
WAITING = ("sent", "escalated")
REFUSED = ("declined", "redirected")
KIND_ORDER = ("mission_locale", "entretien", "habitat_jeunes")


@dataclass(frozen=True)
class YouthRow:
    ref: str
    id_externe: str
    prenom: str
    nom: str
    majority_date: date
    status: str
    states: Mapping[str, str]  # kind -> latest referral status
    blocked: Mapping[str, str]  # kind -> reason code
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Filters:
    text: str = ""
    status: str = ""
    month: str = ""  # AAAA-MM of the majority
    flag: str = ""

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Filters:
        status = fields.get("statut", "")
        flag = fields.get("filtre", "")
        month = (fields.get("mois") or "").strip()
        return cls(
            text=(fields.get("recherche") or "").strip()[:100],
            status=status if status in STATUS_FILTERS else "",
            month=month if _is_month(month) else "",
            flag=flag if flag in FLAG_LABELS else "",
        )


def _is_month(text: str) -> bool:
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit()


def fold(text: str) -> str:
    """Lower case without accents: « Éloïse » is found with « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def latest_by_kind(referrals: Iterable[Referral]) -> dict[str, Referral]:
    found: dict[str, Referral] = {}
    for referral in referrals:
        previous = found.get(referral.kind)
        if previous is None or referral.created_at >= previous.created_at:
            found[referral.kind] = referral
    return found


def flags_of(
    status: str, states: Mapping[str, str], blocked: Mapping[str, str], refusal_open: bool
) -> frozenset:
    if status != "active":
        return frozenset()
    found = set()
    if blocked:
        found.add(WITHOUT_PARTNER)
    if any(state in WAITING for state in states.values()):
        found.add(WITHOUT_ANSWER)
    if refusal_open:
        found.add(TO_REROUTE)
    return frozenset(found)


def row(youth: Youth, referrals: list[Referral]) -> YouthRow:
    record = plain(youth.record) or {}
    scheduled = plain(youth.scheduled) or {}
    blocked = {k: (v or {}).get("reason", "") for k, v in (scheduled.get("blocked") or {}).items()}
    latest = latest_by_kind(referrals)
    states = {kind: referral.status for kind, referral in latest.items()}
    ml = latest.get("mission_locale")
    seen = (scheduled.get("refusal_seen") or {}).get("mission_locale")
    refusal_open = ml is not None and ml.status in REFUSED and ml.referral_id != seen
    return YouthRow(
        ref=refs.youth_ref(youth.department, youth.id_externe),
        id_externe=youth.id_externe,
        prenom=str(record.get("prenom") or ""),
        nom=str(record.get("nom") or ""),
        majority_date=date.fromisoformat(youth.majority_date),
        status=youth.status,
        states=states,
        blocked=blocked,
        flags=flags_of(youth.status, states, blocked, refusal_open),
    )


def matches(item: YouthRow, filters: Filters) -> bool:
    if filters.status and item.status != filters.status:
        return False
    if filters.month and item.majority_date.isoformat()[:7] != filters.month:
        return False
    if filters.flag and filters.flag not in item.flags:
        return False
    if filters.text:
        needle = fold(filters.text)
        haystack = fold(f"{item.id_externe} {item.prenom} {item.nom} {item.nom} {item.prenom}")
        return needle in haystack or fold(item.id_externe) == needle
    return True


def all_rows(code: str, now: datetime) -> list[YouthRow]:
    by_youth: dict[str, list[Referral]] = {}
    for referral in live_referrals(code, now):
        by_youth.setdefault(referral.id_externe, []).append(referral)
    youths = list(youth_store.of_department(code, now))
    rows = [row(youth, by_youth.get(youth.id_externe, [])) for youth in youths]
    return sorted(rows, key=lambda r: (r.majority_date, fold(r.nom), fold(r.prenom)))


def search(code: str, filters: Filters, now: datetime) -> dict:
    rows = all_rows(code, now)
    found = [item for item in rows if matches(item, filters)]
    months = sorted({item.majority_date.isoformat()[:7] for item in rows})
    return {
        "rows": found[:PAGE_SIZE],
        "total": len(found),
        "shown": min(len(found), PAGE_SIZE),
        "months": months,
        "filters": filters,
        "flag_labels": FLAG_LABELS,
        "status_filters": STATUS_FILTERS,
        "kinds": KIND_ORDER,
    }

"""The department report (SPEC §9) and the pathway risk rule (SPEC §5.1). Pure: facts in, dict out.

Choices:

* only ``active`` youths count in youth indicators; every referral given counts in referral ones;
* "turn 18 in the next 6 months" = ``today <= majority_date <= add_months(today, 6)``;
* a share over zero youths is ``None`` (nothing to measure), never a misleading ``0.0``;
* housing is needed as the scheduler decides it: ``parcours["logement"] == "a_traiter"`` when that
  part is known, else ``besoin_logement``;
* days to acknowledgement run from ``sent_at`` to ``answered_at`` (negative clock skew → 0),
  median rounded to 0.01 day.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.domain.clock import add_months
from chalicelib.domain.enums import Kind, ReferralStatus, YouthStatus
from chalicelib.domain.youth import (
    PATHWAY_PARTS,
    PATHWAY_STATES,
    UNKNOWN_STATE,
    housing_needed,
    risk_parts,
)

ACKNOWLEDGED = ReferralStatus.ACKNOWLEDGED
REPORT_STATES = (*PATHWAY_STATES, UNKNOWN_STATE)
OPEN_STATUSES = (
    ReferralStatus.PENDING,
    ReferralStatus.SENDING,
    ReferralStatus.SENT,
    ReferralStatus.ESCALATED,
)
COUNTED_STATUSES = (
    ReferralStatus.ESCALATED,
    ReferralStatus.UNDELIVERABLE,
    ReferralStatus.FAILED,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.DECLINED,
    ReferralStatus.REDIRECTED,
    ReferralStatus.CANCELLED,
)
HORIZON_MONTHS = 6
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class YouthFacts:
    id_externe: str
    majority_date: date
    status: str  # "active" | "exited"
    besoin_logement: bool = False
    parcours: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReferralFacts:
    id_externe: str
    kind: str  # "mission_locale" | "habitat_jeunes" | "entretien"
    status: str
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    answer: str | None = None


def is_pathway_risk(majority_date: date, parcours: Mapping[str, str], today: date) -> bool:
    """Less than 6 months from majority (strictly: exactly 6 months is not yet; the day of majority
    is no longer) with at least one part ``a_traiter``."""
    if not today < majority_date < add_months(today, HORIZON_MONTHS):
        return False
    return bool(risk_parts(parcours))


def in_next_months(majority_date: date, today: date, months: int = HORIZON_MONTHS) -> bool:
    return today <= majority_date <= add_months(today, months)


def median_days_to_acknowledgement(referrals: Iterable[ReferralFacts]) -> float | None:
    delays = [
        max((ref.answered_at - ref.sent_at).total_seconds(), 0.0) / SECONDS_PER_DAY
        for ref in referrals
        if ref.status == ReferralStatus.ACKNOWLEDGED
        and ref.sent_at is not None
        and ref.answered_at is not None
    ]
    if not delays:
        return None
    return round(statistics.median(delays), 2)


def referral_counts(referrals: Iterable[ReferralFacts]) -> dict[str, int]:
    statuses = Counter(ref.status for ref in referrals)
    counts = {"open": sum(statuses[status] for status in OPEN_STATUSES)}
    counts.update({str(status): statuses[status] for status in COUNTED_STATUSES})
    return counts


def pathway_by_part(youths: Iterable[YouthFacts]) -> dict[str, dict[str, int]]:
    table = {part: dict.fromkeys(REPORT_STATES, 0) for part in PATHWAY_PARTS}
    for youth in youths:
        for part in PATHWAY_PARTS:
            state = youth.parcours.get(part)
            table[part][state if state in PATHWAY_STATES else UNKNOWN_STATE] += 1
    return table


def department_report(
    youths: Iterable[YouthFacts], referrals: Iterable[ReferralFacts], *, today: date
) -> dict:
    """The indicators of one department, as JSON-able values."""
    active = [youth for youth in youths if youth.status == YouthStatus.ACTIVE]
    referrals = list(referrals)
    acknowledged = {
        kind: {
            ref.id_externe
            for ref in referrals
            if ref.kind == kind and ref.status == ReferralStatus.ACKNOWLEDGED
        }
        for kind in (Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES)
    }
    by_month = Counter(youth.majority_date.strftime("%Y-%m") for youth in active)
    cohort = [youth for youth in active if in_next_months(youth.majority_date, today)]
    housing = [youth for youth in cohort if housing_needed(youth)]
    risks = [y for y in active if is_pathway_risk(y.majority_date, y.parcours, today)]
    risks_by_part = Counter(part for youth in risks for part in risk_parts(youth.parcours))
    return {
        "today": today.isoformat(),
        "youths_by_majority_month": dict(sorted(by_month.items())),
        "next_6_months": {
            "from": today.isoformat(),
            "to": add_months(today, HORIZON_MONTHS).isoformat(),
            "youths": len(cohort),
            "ml_acknowledged_share": _share(cohort, acknowledged[Kind.MISSION_LOCALE]),
            "housing_needed": len(housing),
            "hj_acknowledged_share": _share(housing, acknowledged[Kind.HABITAT_JEUNES]),
            "pathway": pathway_by_part(cohort),
        },
        "median_days_to_acknowledgement": median_days_to_acknowledgement(referrals),
        "referrals": referral_counts(referrals),
        "pathway_risks": len(risks),
        "pathway_risks_by_part": {part: risks_by_part[part] for part in PATHWAY_PARTS},
    }


def _share(youths: list[YouthFacts], acknowledged_ids: set[str]) -> float | None:
    if not youths:
        return None
    hits = sum(1 for youth in youths if youth.id_externe in acknowledged_ids)
    return round(hits / len(youths), 4)

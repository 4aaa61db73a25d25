"""The dashboard: the indicators of SPEC §9 as figures and inline SVG charts (with a text
alternative): youths turning 18 each month, the share with an acknowledged referral, open alerts.

``bars`` is pure: figures in, the geometry the template draws out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.alerts import wording
from chalicelib.console import alerts
from chalicelib.domain import clock
from chalicelib.domain.alerts import DIGEST_ORDER
from chalicelib.messages.filters import mois_fr
from chalicelib.reporting import dashboard
from chalicelib.reporting.youth_view import FLAG_LABELS

CHART_MONTHS = 18  # a referral leaves 13 months before majority: show what is coming
BAR_AREA = 120  # px of height for the tallest bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    height: int
    x: int


def months_ahead(today: date, count: int) -> list[str]:
    found = []
    year, month = today.year, today.month
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def bars(by_month: dict[str, int], months: list[str]) -> list[Bar]:
    top = max([by_month.get(month, 0) for month in months] + [1])
    return [
        Bar(
            label=mois_fr(f"{month}-01"),
            value=by_month.get(month, 0),
            height=round(BAR_AREA * by_month.get(month, 0) / top),
            x=index * 40,
        )
        for index, month in enumerate(months)
    ]


def percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def figures(code: str, now: datetime) -> dict:
    indicators = dashboard.figures(code, now, chart_months=CHART_MONTHS)
    today = clock.local_today(code, now)
    months = months_ahead(today, CHART_MONTHS)
    found = alerts.open_alerts(code, now)
    cohort = indicators["next_6_months"]
    return {
        "indicators": indicators,
        "bars": bars(indicators["youths_by_majority_month"], months),
        "ml_percent": percent(cohort["ml_acknowledged_share"]),
        "hj_percent": percent(cohort["hj_acknowledged_share"]),
        "alerts_total": len(found),
        "alerts_by_section": {
            wording.SECTIONS[kind]: sum(1 for a in found if a.kind == kind.value)
            for kind in DIGEST_ORDER
            if kind.actionable
        },
        "youths_flag_labels": FLAG_LABELS,
    }

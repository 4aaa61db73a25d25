"""The console's dashboard figures (SPEC §4b, §9) from bounded reads, whatever the department's
size (SPEC §10 v3): the youths turning 18 in the chart's months (the counts kept at each
upload), the next six months' youths and the referrals their
schedules name (BatchGetItem), never the whole department.

The indicators are ``indicators.department_report`` over that cohort: the six months' figures
are the report's own; the median delay is the cohort's.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from chalicelib.domain import clock
from chalicelib.domain.clock import add_months
from chalicelib.domain.enums import YouthStatus
from chalicelib.reporting.indicators import HORIZON_MONTHS, department_report
from chalicelib.reporting.report import referral_facts, youth_facts
from chalicelib.reporting.youth_view import placed_referral_ids
from chalicelib.store import listing
from chalicelib.store import youths as youth_store


def majority_months(code: str, first: date, last: date) -> dict[str, int]:
    """Active youths turning 18 each month from ``first`` to ``last`` ("AAAA-MM" → count): the
    counts kept at each upload, or (before the first) one projected range of the index."""
    counts = listing.youth_counts(code)
    if counts is not None:
        prefix = f"{YouthStatus.ACTIVE}#"
        return {
            key.removeprefix(prefix): value
            for key, value in sorted(counts.items())
            if key.startswith(prefix)
            and first.isoformat()[:7] <= key[len(prefix) :] <= last.isoformat()[:7]
        }
    found = listing.majority_dates(code, first.isoformat(), last.isoformat())
    return dict(
        Counter(day[:7] for day, status in found if status == YouthStatus.ACTIVE).most_common()
    )


def figures(code: str, now: datetime, *, chart_months: int) -> dict:
    today = clock.local_today(code, now)
    cohort = list(youth_store.majority_between(code, today, add_months(today, HORIZON_MONTHS), now))
    referrals = listing.referrals(r for youth in cohort for r in placed_referral_ids(youth))
    indicators = department_report(
        [youth_facts(youth) for youth in cohort],
        [referral_facts(referral) for referral in referrals.values()],
        today=today,
    )
    first = today.replace(day=1)
    last = add_months(first, chart_months) - timedelta(days=1)
    indicators["youths_by_majority_month"] = majority_months(code, first, last)
    return {"department": code, **indicators}

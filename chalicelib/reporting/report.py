"""The department report (SPEC §9), fed from one department's partition: its youths (base table
Query) and its referrals (``department-index`` Query). Expired items do not count."""

from __future__ import annotations

from datetime import date, datetime

from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.stored import StoredReferral, StoredYouth
from chalicelib.reporting.indicators import ReferralFacts, YouthFacts, department_report
from chalicelib.store import referral_pages
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain


def youth_facts(youth: StoredYouth) -> YouthFacts:
    record = plain(youth.record) or {}
    return YouthFacts(
        id_externe=youth.id_externe,
        majority_date=date.fromisoformat(youth.majority_date),
        status=youth.status,
        besoin_logement=bool(record.get("besoin_logement")),
        parcours=dict(record.get("parcours") or {}),
    )


def referral_facts(referral: StoredReferral) -> ReferralFacts:
    answer = referral.current_answer()
    return ReferralFacts(
        id_externe=referral.id_externe,
        kind=referral.kind,
        status=referral.status,
        sent_at=parse_iso(referral.sent_at) if referral.sent_at else None,
        answered_at=parse_iso(referral.answered_at) if referral.answered_at else None,
        answer=answer.reponse if answer is not None else None,
    )


def report(code: str, now: datetime) -> dict:
    departments.get(code)  # an operator may ask for any department: unknown → 404
    youths = [youth_facts(y) for y in youth_store.of_department(code, now)]
    referrals = [referral_facts(r) for r in referral_pages.of_department(code, now)]
    indicators = department_report(youths, referrals, today=clock.local_today(code, now))
    return {"department": code, **indicators}

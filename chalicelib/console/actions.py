"""What an agent decides on a youth's page: the mission locale of a shared or unknown commune,
another mission locale after a refusal (or keeping things as they are), the erasure.

A choice is recorded on the youth, then the youth is routed at once (as the follow-ups do after a
"non compétent" answer): the referral leaves with the next dispatch, not at tomorrow's scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib import audit, clock
from chalicelib.console import alerts
from chalicelib.departments import service as departments
from chalicelib.directory.store import DirectorySnapshot
from chalicelib.errors import BadRequestError, ConflictError
from chalicelib.followup import erasure
from chalicelib.followup.views import plain
from chalicelib.scheduling import scan
from chalicelib.store import choices
from chalicelib.store.models import Referral, Youth

MISSION_LOCALE = "mission_locale"
REFUSED = ("declined", "redirected")


@dataclass(frozen=True)
class Candidate:
    code_ml: str
    nom: str


@dataclass(frozen=True)
class Decision:
    """What the youth's page offers: why a choice is needed and the missions locales to pick."""

    reason: str  # "" (nothing to decide), "blocked" or "refused"
    refused_referral: str | None
    refused_partner: str | None
    candidates: tuple[Candidate, ...]


def latest_ml(referrals: list[Referral]) -> Referral | None:
    found = [r for r in referrals if r.kind == MISSION_LOCALE]
    return max(found, key=lambda r: r.created_at) if found else None


def decision(youth: Youth, referrals: list[Referral]) -> Decision:
    scheduled = plain(youth.scheduled) or {}
    latest = latest_ml(referrals)
    seen = (scheduled.get("refusal_seen") or {}).get(MISSION_LOCALE)
    if youth.status != "active":
        return Decision("", None, None, ())
    if latest is not None and latest.status in REFUSED and seen != latest.referral_id:
        return Decision(
            "refused", latest.referral_id, latest.partner_id, _candidates(youth, latest.partner_id)
        )
    if MISSION_LOCALE in (scheduled.get("blocked") or {}):
        return Decision("blocked", None, None, _candidates(youth, None))
    return Decision("", None, None, ())


def _candidates(youth: Youth, refused: str | None) -> tuple[Candidate, ...]:
    directory = DirectorySnapshot()
    commune = str((plain(youth.record) or {}).get("code_commune") or "")
    entry = directory.coverage(commune)
    excluded = set((plain(youth.scheduled) or {}).get("excluded", {}).get(MISSION_LOCALE, []))
    codes = set(entry.code_mls) if entry and entry.shared else set()
    if not codes:
        codes = directory.ml_codes_of_department(youth.department)
    codes -= excluded | ({refused} if refused else set())
    found = [directory.mission_locale(code) for code in sorted(codes)]
    return tuple(Candidate(ml.code_ml, ml.nom) for ml in found if ml is not None)


def choose(youth: Youth, referrals: list[Referral], code_ml: str, *, actor: str, now: datetime):
    offer = decision(youth, referrals)
    if not offer.reason:
        raise ConflictError("Plus rien à décider pour ce jeune : la page a été mise à jour.")
    if code_ml not in {candidate.code_ml for candidate in offer.candidates}:
        raise BadRequestError("Choisissez une mission locale dans la liste.", code="invalid_choice")
    today = clock.local_today(youth.department, now)
    if not choices.choose_partner(
        youth, MISSION_LOCALE, code_ml, refused=offer.refused_partner, due_at=today.isoformat()
    ):
        raise ConflictError("Le fichier de ce jeune vient de changer : rechargez la page.")
    audit.record(youth.department, "console_partner_chosen", actor, subject=offer.refused_referral)
    alerts.close_routing(
        youth.department, youth.id_externe, offer.refused_referral, by=actor, now=now
    )
    department = departments.get(youth.department)
    fresh = Youth.get(youth.department, youth.id_externe, consistent_read=True)
    scan.process(department, fresh, today, now, DirectorySnapshot())


def keep(youth: Youth, referrals: list[Referral], *, actor: str, now: datetime) -> None:
    offer = decision(youth, referrals)
    if offer.reason != "refused" or not offer.refused_referral:
        raise ConflictError("Plus rien à décider pour ce jeune : la page a été mise à jour.")
    if not choices.keep_refusal(youth, MISSION_LOCALE, offer.refused_referral):
        raise ConflictError("Le fichier de ce jeune vient de changer : rechargez la page.")
    audit.record(youth.department, "console_refusal_kept", actor, subject=offer.refused_referral)
    alerts.close_routing(
        youth.department, youth.id_externe, offer.refused_referral, by=actor, now=now
    )


def erase(youth: Youth, *, actor: str, now: datetime) -> dict[str, int]:
    return erasure.erase(youth.department, youth.id_externe, actor=actor, now=now)

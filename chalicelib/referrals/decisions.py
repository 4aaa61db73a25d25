"""What the department decides for a youth in the console (SPEC §4b): the mission locale of a
shared or unknown commune, another partner after a refusal or a "non compétent" (mission locale
or habitat jeunes), or keeping things as they are.

A choice is recorded on the youth, then the youth is routed at once (as the follow-ups do after
a "non compétent" answer): the referral leaves with the next dispatch, not at tomorrow's scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.alerts import board
from chalicelib.departments import service as departments
from chalicelib.domain import clock, geo
from chalicelib.domain.enums import REFUSED, Kind, YouthStatus
from chalicelib.domain.youth_flags import PLACED_KINDS, latest_by_kind, open_refusals
from chalicelib.errors import BadRequestError, ConflictError
from chalicelib.referrals import scan
from chalicelib.store import audit, youth_flags
from chalicelib.store import youths as youth_store
from chalicelib.store.base import plain
from chalicelib.store.directory import DirectorySnapshot


@dataclass(frozen=True)
class Candidate:
    code: str  # a mission locale's code_ml or a habitat jeunes' id
    nom: str


@dataclass(frozen=True)
class Decision:
    """What the youth's page offers: why a choice is needed and the partners to pick."""

    reason: str  # "" (nothing to decide), "blocked" or "refused"
    kind: str = Kind.MISSION_LOCALE.value
    refused_referral: str | None = None
    refused_partner: str | None = None
    candidates: tuple[Candidate, ...] = ()


NOTHING = Decision("")


def refused_of(referrals: list[Any], kind: Kind) -> list[str]:
    """Every refused referral of ``kind``: two created in the same second leave the latest
    uncertain, and the agent's decision answers them all."""
    return [r.referral_id for r in referrals if r.kind == kind and r.status in REFUSED]


def decision(youth: Any, referrals: list[Any]) -> Decision:
    """The first kind that waits for the department: a refusal not dealt with, or no partner
    (the mission locale first)."""
    if youth.status != YouthStatus.ACTIVE:
        return NOTHING
    schedule = youth_store.schedule_of(youth)
    latest = latest_by_kind(referrals)
    refusals = open_refusals(schedule, latest)  # the rule the "à réorienter" view uses
    for kind in PLACED_KINDS:
        if kind in refusals:
            refused = latest[kind]
            found = candidates(youth, kind, refused.partner_id)
            return Decision("refused", kind.value, refused.referral_id, refused.partner_id, found)
        if kind in schedule.blocked and kind == Kind.MISSION_LOCALE:
            return Decision("blocked", kind.value, candidates=candidates(youth, kind, None))
    return NOTHING


def candidates(youth: Any, kind: Kind, refused: str | None) -> tuple[Candidate, ...]:
    directory = DirectorySnapshot()
    commune = str((plain(youth.record) or {}).get("code_commune") or "")
    excluded = set(youth_store.schedule_of(youth).excluded_for(kind))
    if refused:
        excluded.add(refused)
    if kind == Kind.HABITAT_JEUNES:
        department = geo.department_of_commune(commune) or youth.department
        return tuple(
            Candidate(entry.id, entry.nom)
            for entry in sorted(directory.habitat_jeunes_of_department(department), key=_by_id)
            if entry.id not in excluded and (not entry.communes or commune in entry.communes)
        )
    entry = directory.coverage(commune)
    codes = set(entry.code_mls) if entry and entry.shared else set()
    if not codes:
        codes = directory.ml_codes_of_department(youth.department)
    found = [directory.mission_locale(code) for code in sorted(codes - excluded)]
    return tuple(Candidate(ml.code_ml, ml.nom) for ml in found if ml is not None)


def _by_id(entry: Any) -> str:
    return str(entry.id)


def choose(youth: Any, referrals: list[Any], code: str, *, actor: str, now: datetime) -> None:
    offer = decision(youth, referrals)
    if not offer.reason:
        raise ConflictError("Plus rien à décider pour ce jeune : la page a été mise à jour.")
    if code not in {candidate.code for candidate in offer.candidates}:
        raise BadRequestError("Choisissez un partenaire dans la liste.", code="invalid_choice")
    kind = Kind(offer.kind)
    today = clock.local_today(youth.department, now)
    if not youth_store.choose_partner(
        youth, kind, code, refused=offer.refused_partner, due_at=today.isoformat()
    ):
        raise ConflictError("Le fichier de ce jeune vient de changer : rechargez la page.")
    audit.record(youth.department, "console_partner_chosen", actor, subject=offer.refused_referral)
    board.close_routing(
        youth.department, youth.id_externe, kind, refused_of(referrals, kind), by=actor, now=now
    )
    department = departments.get(youth.department)
    fresh = youth_store.get(youth.department, youth.id_externe, now, consistent=True)
    if fresh is not None:
        scan.process(department, fresh, today, now, DirectorySnapshot())
    youth_flags.refresh(youth.department, youth.id_externe)


def keep(youth: Any, referrals: list[Any], *, actor: str, now: datetime) -> None:
    offer = decision(youth, referrals)
    if offer.reason != "refused" or not offer.refused_referral:
        raise ConflictError("Plus rien à décider pour ce jeune : la page a été mise à jour.")
    kind = Kind(offer.kind)
    if not youth_store.keep_refusal(youth, kind, offer.refused_referral):
        raise ConflictError("Le fichier de ce jeune vient de changer : rechargez la page.")
    audit.record(youth.department, "console_refusal_kept", actor, subject=offer.refused_referral)
    youth_flags.refresh(youth.department, youth.id_externe)  # seen: no longer "à réorienter"
    board.close_routing(
        youth.department, youth.id_externe, kind, refused_of(referrals, kind), by=actor, now=now
    )

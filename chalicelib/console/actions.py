"""What an agent decides on a youth's page (``referrals.decisions``: the partner of a shared or
unknown commune, another partner after a refusal or keeping things as they are), for a whole
shared commune at once from the alerts page, and the erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.errors import RelaisError
from chalicelib.referrals import decisions
from chalicelib.referrals.decisions import Decision
from chalicelib.reporting.youth_file import youth_file
from chalicelib.roster import erasure

__all__ = ["Decision", "choose", "choose_for_commune", "decision", "erase", "keep"]


def decision(youth: Any, referrals: list[Any]) -> Decision:
    return decisions.decision(youth, referrals)


def choose(youth: Any, referrals: list[Any], code: str, *, actor: str, now: datetime) -> None:
    decisions.choose(youth, referrals, code, actor=actor, now=now)


def keep(youth: Any, referrals: list[Any], *, actor: str, now: datetime) -> None:
    decisions.keep(youth, referrals, actor=actor, now=now)


def choose_for_commune(
    code: str, file_numbers: list[str], code_ml: str, *, actor: str, now: datetime
) -> tuple[int, int]:
    """The same mission locale for every youth of a shared commune, each through the youth's
    own decision (its checks, its audit, its alerts closed, its referral created): (decided,
    left) — a youth whose file changed meanwhile is left for its own page."""
    done = 0
    for file_number in file_numbers:
        try:
            found = youth_file(code, file_number, now, messages=False)
            decisions.choose(found.youth, found.referrals, code_ml, actor=actor, now=now)
        except RelaisError:
            continue
        done += 1
    return done, len(file_numbers) - done


def erase(youth: Any, *, actor: str, now: datetime) -> dict[str, int]:
    return erasure.erase(youth.department, youth.id_externe, actor=actor, now=now)

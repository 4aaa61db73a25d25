"""When each referral of a youth is due (SPEC §6). Pure: dates in, dates out.

What was already done lives in the youth's ``Schedule`` (``domain.schedule``); these rules read it
and say what is still to do, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.domain.enums import Kind
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.youth import (
    YouthRecord,
    birthday,
    housing_needed,
    in_scope,
    majority_date,
)

MISSION_LOCALE, HABITAT_JEUNES, ENTRETIEN = Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES, Kind.ENTRETIEN
KINDS = tuple(Kind)
BLOCKED = "9999-12-31"  # due_at of a youth waiting for a partner: never "<= today"


@dataclass(frozen=True)
class Policy:
    ml_lead_days: int = 30
    hj_lead_days: int = 183


@dataclass(frozen=True)
class Action:
    kind: Kind
    due: date
    operation: str = "create"  # create | update | cancel (entretien)


def routing_inputs(record: YouthRecord, kind: Kind) -> str:
    """What routing depends on: a blocked kind is retried when these change."""
    if kind == HABITAT_JEUNES:
        return record.code_commune
    return f"{record.code_commune}|{record.code_ml or ''}"


def entretien_fingerprint(record: YouthRecord) -> str | None:
    if not record.date_entretien:
        return None
    return f"{record.date_entretien}|{record.lieu_entretien or ''}"


def _blocked(schedule: Schedule, kind: Kind, record: YouthRecord, directory: str | None) -> bool:
    """No partner was found for these routing inputs (and this directory, when given)."""
    blocked = schedule.blocked.get(kind)
    if blocked is None or blocked.inputs != routing_inputs(record, kind):
        return False
    return directory is None or blocked.directory == directory


def actions(
    record: YouthRecord,
    schedule: Schedule,
    policy: Policy,
    today: date,
    *,
    directory: str | None = None,
) -> list[Action]:
    """Every action still to take for this youth, due today or later (catch-up: past → today).

    ``directory`` is the current directory version: a kind blocked under an older one is retried.
    """
    if not in_scope(record.date_naissance, today):
        return []
    found: list[Action] = []
    birth = record.date_naissance
    if MISSION_LOCALE not in schedule.placed and not _blocked(
        schedule, MISSION_LOCALE, record, directory
    ):
        due = birthday(birth, 17) - timedelta(days=policy.ml_lead_days)
        found.append(Action(MISSION_LOCALE, max(due, today)))
    if (
        housing_needed(record)
        and HABITAT_JEUNES not in schedule.placed
        and not _blocked(schedule, HABITAT_JEUNES, record, directory)
    ):
        due = majority_date(birth) - timedelta(days=policy.hj_lead_days)
        found.append(Action(HABITAT_JEUNES, max(due, today)))
    found.extend(_entretien_actions(record, schedule, today, directory))
    return found


def _entretien_actions(
    record: YouthRecord, schedule: Schedule, today: date, directory: str | None
) -> list[Action]:
    state = schedule.invitation
    fingerprint = entretien_fingerprint(record)
    if fingerprint is None or record.date_entretien is None:
        if state is not None and not state.cancelled:
            return [Action(ENTRETIEN, today, "cancel")]
        return []
    if date.fromisoformat(record.date_entretien[:10]) < today:
        return []
    if _blocked(schedule, ENTRETIEN, record, directory):
        return []
    if state is None:
        return [Action(ENTRETIEN, today, "create")]
    if state.cancelled or state.fingerprint != fingerprint:
        return [Action(ENTRETIEN, today, "update")]
    return []


def next_due(
    record: YouthRecord,
    schedule: Schedule,
    policy: Policy,
    today: date,
    *,
    directory: str | None = None,
) -> str | None:
    """The ``due_at`` to store: ISO date of the earliest pending action; ``BLOCKED`` when only
    kinds without a partner remain (a directory load re-arms those); None when all is done."""
    pending = actions(record, schedule, policy, today, directory=directory)
    if pending:
        return min(action.due for action in pending).isoformat()
    if in_scope(record.date_naissance, today) and schedule.blocked:
        return BLOCKED
    return None

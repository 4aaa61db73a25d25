"""When each referral of a youth is due (SPEC §6). Pure: dates in, dates out.

``scheduled`` is what the youth item remembers of what was already created, per kind:
``{"mission_locale": {"referral_id", "partner_id"}, "entretien": {"fingerprint", "sequence", …},
"blocked": {kind: {"reason", "inputs"}}, "excluded": {kind: [partner ids]}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib.roster.record import YouthRecord

MISSION_LOCALE, HABITAT_JEUNES, ENTRETIEN = "mission_locale", "habitat_jeunes", "entretien"
KINDS = (MISSION_LOCALE, HABITAT_JEUNES, ENTRETIEN)


@dataclass(frozen=True)
class Policy:
    ml_lead_days: int = 30
    hj_lead_days: int = 183


@dataclass(frozen=True)
class Action:
    kind: str
    due: date
    operation: str = "create"  # create | update | cancel (entretien)


def birthday(birth: date, years: int) -> date:
    """The ``years``-th birthday; 29 February falls on 1 March in a common year."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def majority_date(birth: date) -> date:
    return birthday(birth, 18)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_scope(birth: date, today: date) -> bool:
    """Relais follows youths until their 21st birthday."""
    return today < birthday(birth, 21)


def housing_needed(record: YouthRecord) -> bool:
    state = record.parcours.get("logement")
    if state is not None:
        return state == "a_traiter"
    return record.besoin_logement


def routing_inputs(record: YouthRecord, kind: str) -> str:
    """What routing depends on: a blocked kind is retried when these change."""
    if kind == HABITAT_JEUNES:
        return record.code_commune
    return f"{record.code_commune}|{record.code_ml or ''}"


def entretien_fingerprint(record: YouthRecord) -> str | None:
    if not record.date_entretien:
        return None
    return f"{record.date_entretien}|{record.lieu_entretien or ''}"


BLOCKED = "9999-12-31"  # due_at of a youth waiting for a partner: never "<= today"


def _blocked(scheduled: dict, kind: str, record: YouthRecord, directory: str | None) -> bool:
    """No partner was found for these routing inputs (and this directory, when given)."""
    blocked = (scheduled.get("blocked") or {}).get(kind)
    if not blocked or blocked.get("inputs") != routing_inputs(record, kind):
        return False
    return directory is None or blocked.get("directory") == directory


def actions(
    record: YouthRecord,
    scheduled: dict,
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
    if MISSION_LOCALE not in scheduled and not _blocked(
        scheduled, MISSION_LOCALE, record, directory
    ):
        due = birthday(birth, 17) - timedelta(days=policy.ml_lead_days)
        found.append(Action(MISSION_LOCALE, max(due, today)))
    if (
        housing_needed(record)
        and HABITAT_JEUNES not in scheduled
        and not _blocked(scheduled, HABITAT_JEUNES, record, directory)
    ):
        due = majority_date(birth) - timedelta(days=policy.hj_lead_days)
        found.append(Action(HABITAT_JEUNES, max(due, today)))
    found.extend(_entretien_actions(record, scheduled, today, directory))
    return found


def _entretien_actions(
    record: YouthRecord, scheduled: dict, today: date, directory: str | None
) -> list[Action]:
    state = scheduled.get(ENTRETIEN)
    fingerprint = entretien_fingerprint(record)
    if fingerprint is None:
        if state and not state.get("cancelled"):
            return [Action(ENTRETIEN, today, "cancel")]
        return []
    if date.fromisoformat(record.date_entretien[:10]) < today:
        return []
    if _blocked(scheduled, ENTRETIEN, record, directory):
        return []
    if state is None:
        return [Action(ENTRETIEN, today, "create")]
    if state.get("cancelled"):
        return [Action(ENTRETIEN, today, "update")]
    if state.get("fingerprint") != fingerprint:
        return [Action(ENTRETIEN, today, "update")]
    return []


def next_due(
    record: YouthRecord,
    scheduled: dict,
    policy: Policy,
    today: date,
    *,
    directory: str | None = None,
) -> str | None:
    """The ``due_at`` to store: ISO date of the earliest pending action; ``BLOCKED`` when only
    kinds without a partner remain (a directory load re-arms those); None when all is done."""
    pending = actions(record, scheduled, policy, today, directory=directory)
    if pending:
        return min(action.due for action in pending).isoformat()
    if in_scope(record.date_naissance, today) and (scheduled.get("blocked") or {}):
        return BLOCKED
    return None

"""When each referral of a youth is due (SPEC §5.1 ages, §6): pure rules, dates in, dates out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import scheduling
from chalicelib.domain.schedule import Schedule
from chalicelib.domain.scheduling import (
    BLOCKED,
    ENTRETIEN,
    HABITAT_JEUNES,
    MISSION_LOCALE,
    Action,
    Policy,
)
from chalicelib.domain.youth import (
    YouthRecord,
    age_on,
    birthday,
    housing_needed,
    in_scope,
    majority_date,
)

POLICY = Policy()
BIRTH = date(2014, 5, 20)  # 17 on 20 May 2031, of age on 20 May 2032


def record(**changes: object) -> YouthRecord:
    base = YouthRecord(
        id_externe="R1",
        nom="Nomtest",
        prenom="Prenomtest",
        date_naissance=BIRTH,
        code_commune="59350",
        referent_email="referent@cd59.example.fr",
    )
    return replace(base, **changes)


def actions(youth: YouthRecord, stored: dict, *args: object, **kwargs: object) -> list[Action]:
    """The rules, given the youth's schedule as the youth item stores it."""
    return scheduling.actions(youth, Schedule.from_item(stored), *args, **kwargs)  # type: ignore[arg-type]


def next_due(youth: YouthRecord, stored: dict, *args: object, **kwargs: object) -> str | None:
    return scheduling.next_due(youth, Schedule.from_item(stored), *args, **kwargs)  # type: ignore[arg-type]


def kinds(found: list[Action]) -> dict[str, Action]:
    return {action.kind: action for action in found}


# --- birthdays and ages --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("birth", "years", "expected"),
    [
        (date(2014, 5, 20), 17, date(2031, 5, 20)),
        (date(2012, 2, 29), 17, date(2029, 3, 1)),  # common year: 1 March
        (date(2012, 2, 29), 18, date(2030, 3, 1)),
        (date(2012, 2, 29), 4, date(2016, 2, 29)),  # leap year: 29 February itself
        (date(2013, 12, 31), 18, date(2031, 12, 31)),
    ],
)
def test_the_nth_birthday_falls_on_1_march_for_29_february_births_in_common_years(
    birth, years, expected
):
    assert birthday(birth, years) == expected


def test_majority_is_the_18th_birthday():
    assert majority_date(date(2012, 2, 29)) == date(2030, 3, 1)
    assert majority_date(BIRTH) == date(2032, 5, 20)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2029, 2, 28), 16),
        (date(2029, 3, 1), 17),
        (date(2030, 2, 28), 17),
        (date(2030, 3, 1), 18),
    ],
)
def test_a_youth_born_on_29_february_gets_older_on_1_march_of_common_years(day, age):
    assert age_on(date(2012, 2, 29), day) == age


def test_youths_are_followed_until_the_day_before_their_21st_birthday():
    assert in_scope(BIRTH, date(2035, 5, 19))
    assert not in_scope(BIRTH, date(2035, 5, 20))
    assert actions(record(), {}, POLICY, date(2035, 5, 20)) == []


# --- the mission locale --------------------------------------------------------------------------
def test_the_mission_locale_is_due_ml_lead_days_before_the_17th_birthday():
    (action,) = actions(record(), {}, POLICY, date(2031, 1, 1))
    assert action == Action(MISSION_LOCALE, date(2031, 4, 20))
    (longer,) = actions(record(), {}, Policy(ml_lead_days=45), date(2031, 1, 1))
    assert longer.due == date(2031, 4, 5)


@pytest.mark.parametrize("today", [date(2031, 4, 21), date(2031, 11, 20), date(2034, 1, 1)])
def test_past_the_lead_the_mission_locale_is_due_today(today):
    (action,) = actions(record(), {}, POLICY, today)
    assert action.due == today


@given(
    birth=st.dates(min_value=date(2005, 1, 1), max_value=date(2020, 12, 31)),
    today=st.dates(min_value=date(2021, 1, 1), max_value=date(2040, 12, 31)),
    lead=st.integers(min_value=0, max_value=365),
)
def test_the_mission_locale_due_date_is_never_before_today_nor_before_the_lead(birth, today, lead):
    found = kinds(actions(record(date_naissance=birth), {}, Policy(lead, 183), today))
    if not in_scope(birth, today):
        assert found == {}
        return
    due = found[MISSION_LOCALE].due
    assert due == max(today, birthday(birth, 17) - timedelta(days=lead))


def test_a_kind_already_created_is_not_due_again():
    scheduled = {MISSION_LOCALE: {"referral_id": "ref_x", "partner_id": "ML59A"}}
    assert actions(record(), scheduled, POLICY, date(2031, 6, 1)) == []
    assert next_due(record(), scheduled, POLICY, date(2031, 6, 1)) is None


# --- habitat jeunes ------------------------------------------------------------------------------
def test_habitat_jeunes_is_due_hj_lead_days_before_majority_when_housing_is_needed():
    found = kinds(actions(record(besoin_logement=True), {}, POLICY, date(2031, 1, 1)))
    assert found[HABITAT_JEUNES].due == date(2032, 5, 20) - timedelta(days=183)
    assert HABITAT_JEUNES not in kinds(actions(record(), {}, POLICY, date(2031, 1, 1)))


@pytest.mark.parametrize(
    ("besoin", "logement", "needed"),
    [(True, None, True), (False, "a_traiter", True), (True, "securise", False)],
)
def test_the_housing_part_of_the_pathway_decides_when_it_is_known(besoin, logement, needed):
    parcours = {"logement": logement} if logement else {}
    youth = record(besoin_logement=besoin, parcours=parcours)
    assert housing_needed(youth) is needed
    found = kinds(actions(youth, {}, POLICY, date(2031, 1, 1)))
    assert (HABITAT_JEUNES in found) is needed


# --- no partner: blocked until the routing inputs or the directory change -----------------------
def test_a_blocked_kind_waits_until_its_routing_inputs_change():
    youth = record(code_commune="59599")
    blocked = {
        "blocked": {
            MISSION_LOCALE: {
                "reason": "commune_partagee",
                "inputs": scheduling.routing_inputs(youth, MISSION_LOCALE),
                "directory": "v1",
            }
        }
    }
    today = date(2031, 6, 1)
    assert actions(youth, blocked, POLICY, today, directory="v1") == []
    assert next_due(youth, blocked, POLICY, today, directory="v1") == BLOCKED
    # a code_ml in the next roster, or a new directory, makes it due again
    (action,) = actions(replace(youth, code_ml="ML59B"), blocked, POLICY, today)
    assert action == Action(MISSION_LOCALE, today)
    (retried,) = actions(youth, blocked, POLICY, today, directory="v2")
    assert retried.kind == MISSION_LOCALE


def test_nothing_is_due_for_a_youth_out_of_scope_even_when_blocked():
    blocked = {"blocked": {MISSION_LOCALE: {"reason": "x", "inputs": "59599|"}}}
    assert next_due(record(code_commune="59599"), blocked, POLICY, date(2036, 1, 1)) is None


# --- the preparation interview -------------------------------------------------------------------
def interview(day: str = "2031-04-15T14:30", place: str | None = "MDS") -> YouthRecord:
    return record(date_entretien=day, lieu_entretien=place)


def entretien_state(youth: YouthRecord, **extra: object) -> dict:
    state = {"referral_id": "ref_e", "partner_id": "ML59A", "sequence": 0, "cancelled": False}
    return {
        MISSION_LOCALE: {"referral_id": "ref_m", "partner_id": "ML59A"},
        ENTRETIEN: {**state, "fingerprint": scheduling.entretien_fingerprint(youth), **extra},
    }


def test_a_future_interview_is_due_today_as_an_invitation():
    today = date(2031, 3, 4)
    found = kinds(actions(interview(), {}, POLICY, today))
    assert found[ENTRETIEN] == Action(ENTRETIEN, today, "create")


def test_an_unchanged_interview_is_not_invited_again():
    youth = interview()
    assert actions(youth, entretien_state(youth), POLICY, date(2031, 3, 5)) == []


@pytest.mark.parametrize(
    "changed",
    [interview(day="2031-04-16T10:00"), interview(place="Mission locale")],
    ids=["new date", "new place"],
)
def test_a_new_date_or_place_is_an_update(changed):
    state = entretien_state(interview())
    (action,) = actions(changed, state, POLICY, date(2031, 3, 5))
    assert action == Action(ENTRETIEN, date(2031, 3, 5), "update")


def test_a_removed_interview_is_cancelled_once():
    youth = interview()
    state = entretien_state(youth)
    removed = record()
    (action,) = actions(removed, state, POLICY, date(2031, 3, 5))
    assert action == Action(ENTRETIEN, date(2031, 3, 5), "cancel")
    cancelled = entretien_state(youth, cancelled=True)
    assert actions(removed, cancelled, POLICY, date(2031, 3, 6)) == []
    # a new date after a cancellation invites again (same referral, next sequence)
    (again,) = actions(interview(day="2031-05-02"), cancelled, POLICY, date(2031, 3, 7))
    assert again.operation == "update"


def test_an_interview_in_the_past_is_not_invited():
    assert actions(interview(day="2031-03-01"), {}, POLICY, date(2031, 3, 4)) == [
        Action(MISSION_LOCALE, date(2031, 4, 20))
    ]


def test_the_stored_due_date_is_the_earliest_pending_action():
    youth = interview(day="2031-05-02")
    assert next_due(youth, {}, POLICY, date(2031, 3, 4)) == "2031-03-04"
    assert next_due(record(), {}, POLICY, date(2031, 3, 4)) == "2031-04-20"

"""Department indicators (SPEC §9), pathway risks (SPEC §5.1) and French labels."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import labels
from chalicelib.domain.youth import PATHWAY_PARTS, PATHWAY_STATES
from chalicelib.reporting.indicators import (
    ReferralFacts,
    YouthFacts,
    add_months,
    department_report,
    is_pathway_risk,
    median_days_to_acknowledgement,
    risk_parts,
)

TODAY = date(2026, 3, 15)
SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def youth(ident: str, majority: date, status: str = "active", **facts: object) -> YouthFacts:
    return YouthFacts(ident, majority, status, **facts)


def referral(ident: str, kind: str, status: str, **facts: object) -> ReferralFacts:
    return ReferralFacts(ident, kind, status, **facts)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 6, date(2026, 9, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # month end clamps
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 31), 6, date(2027, 6, 30)),
        (date(2026, 10, 15), 3, date(2027, 1, 15)),  # crosses the year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 7, 1), 0, date(2026, 7, 1)),
    ],
)
def test_add_months_moves_by_calendar_months_and_clamps_month_ends(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("today", "majority", "risk"),
    [
        (date(2026, 3, 15), date(2026, 9, 15), False),  # exactly 6 months: not yet
        (date(2026, 3, 15), date(2026, 9, 14), True),  # one day less
        (date(2026, 3, 15), date(2026, 3, 16), True),  # tomorrow
        (date(2026, 3, 15), date(2026, 3, 15), False),  # majority today: passed
        (date(2026, 3, 15), date(2025, 12, 1), False),  # already of age
        (date(2026, 3, 15), date(2027, 1, 1), False),  # far away
        (date(2026, 8, 31), date(2027, 2, 28), False),  # month end: 6 months exactly
        (date(2026, 8, 31), date(2027, 2, 27), True),
    ],
)
def test_a_pathway_risk_is_less_than_six_months_before_majority(today, majority, risk):
    assert is_pathway_risk(majority, {"logement": "a_traiter"}, today) is risk


@pytest.mark.parametrize(
    "parcours",
    [{}, {"logement": "securise"}, {"emploi": "en_cours", "sante": "securise"}, {"x": "a_traiter"}],
)
def test_a_youth_without_any_part_to_handle_is_no_risk(parcours):
    assert is_pathway_risk(date(2026, 4, 1), parcours, TODAY) is False


@pytest.mark.parametrize(
    ("parcours", "parts"),
    [
        ({}, []),
        ({"sante": "a_traiter", "ressources": "a_traiter"}, ["ressources", "sante"]),
        ({"logement": "en_cours", "accompagnement": "a_traiter"}, ["accompagnement"]),
        (dict.fromkeys(PATHWAY_PARTS, "a_traiter"), list(PATHWAY_PARTS)),
    ],
)
def test_risk_parts_lists_the_parts_to_handle_in_pathway_order(parcours, parts):
    assert risk_parts(parcours) == parts


@pytest.mark.parametrize(
    ("delays_hours", "expected"),
    [
        ([], None),
        ([24], 1.0),
        ([24, 72], 2.0),  # even count: mean of the middle two
        ([12, 48, 240], 2.0),
        ([-5], 0.0),  # clock skew never gives a negative delay
        ([36], 1.5),
    ],
)
def test_the_median_days_to_acknowledgement(delays_hours, expected):
    refs = [
        referral(
            f"Y{i}",
            "mission_locale",
            "acknowledged",
            sent_at=SENT,
            answered_at=SENT + timedelta(hours=h),
        )
        for i, h in enumerate(delays_hours)
    ]
    assert median_days_to_acknowledgement(refs) == expected


def test_the_median_ignores_referrals_not_acknowledged_or_without_dates():
    refs = [
        referral(
            "A", "mission_locale", "acknowledged", sent_at=SENT, answered_at=SENT + timedelta(2)
        ),
        referral("B", "mission_locale", "declined", sent_at=SENT, answered_at=SENT + timedelta(9)),
        referral("C", "habitat_jeunes", "acknowledged", sent_at=None, answered_at=SENT),
        referral("D", "habitat_jeunes", "acknowledged", sent_at=SENT, answered_at=None),
    ]
    assert median_days_to_acknowledgement(refs) == 2.0


YOUTHS = [
    # cohort (majority in [15/03/2026, 15/09/2026])
    youth("Y1", date(2026, 3, 15), parcours={"logement": "a_traiter", "emploi": "securise"}),
    youth("Y2", date(2026, 5, 10), besoin_logement=True, parcours={"sante": "a_traiter"}),
    youth("Y3", date(2026, 9, 15), parcours={"logement": "en_cours"}, besoin_logement=True),
    youth("Y4", date(2026, 9, 14), parcours={"ressources": "bizarre"}),
    # outside the cohort
    youth("Y5", date(2026, 9, 16), parcours={"logement": "a_traiter"}),
    youth("Y6", date(2025, 12, 1), parcours={"droits": "a_traiter"}),
    # exited: counted nowhere
    youth("Y7", date(2026, 5, 1), status="exited", parcours={"logement": "a_traiter"}),
]
REFERRALS = [
    referral("Y1", "mission_locale", "acknowledged", sent_at=SENT, answered_at=SENT + timedelta(1)),
    referral("Y1", "habitat_jeunes", "sent", sent_at=SENT),
    referral("Y2", "mission_locale", "declined", sent_at=SENT, answered_at=SENT + timedelta(5)),
    referral("Y2", "habitat_jeunes", "acknowledged", sent_at=SENT, answered_at=SENT + timedelta(3)),
    referral("Y3", "entretien", "acknowledged", sent_at=SENT, answered_at=SENT + timedelta(2)),
    referral("Y4", "mission_locale", "escalated", sent_at=SENT),
    referral("Y5", "mission_locale", "acknowledged", sent_at=SENT, answered_at=SENT + timedelta(4)),
    referral("Y6", "mission_locale", "undeliverable"),
    referral("Y6", "habitat_jeunes", "failed"),
    referral("Y7", "mission_locale", "cancelled"),
    referral("Y7", "habitat_jeunes", "pending"),
    referral("Y5", "habitat_jeunes", "sending"),
    referral("Y4", "habitat_jeunes", "redirected"),
]


@pytest.fixture
def report() -> dict:
    return department_report(YOUTHS, REFERRALS, today=TODAY)


def test_the_report_counts_active_youths_by_majority_month(report):
    assert report["youths_by_majority_month"] == {
        "2025-12": 1,
        "2026-03": 1,
        "2026-05": 1,
        "2026-09": 3,
    }


def test_the_next_six_months_cohort_includes_both_ends(report):
    cohort = report["next_6_months"]
    assert cohort["youths"] == 4
    assert (cohort["from"], cohort["to"]) == ("2026-03-15", "2026-09-15")


def test_the_mission_locale_share_counts_acknowledged_referrals_of_the_cohort(report):
    assert report["next_6_months"]["ml_acknowledged_share"] == 0.25  # Y1 only; Y5 is outside


def test_housing_is_needed_as_the_pathway_says_else_as_besoin_logement(report):
    # Y1 logement a_traiter, Y2 besoin_logement without a logement part; Y3 logement en_cours
    assert report["next_6_months"]["housing_needed"] == 2
    assert report["next_6_months"]["hj_acknowledged_share"] == 0.5  # Y2


def test_the_cohort_pathway_is_counted_by_part_and_state(report):
    pathway = report["next_6_months"]["pathway"]
    assert set(pathway) == set(PATHWAY_PARTS)
    assert pathway["logement"] == {"securise": 0, "en_cours": 1, "a_traiter": 1, "inconnu": 2}
    assert pathway["emploi"] == {"securise": 1, "en_cours": 0, "a_traiter": 0, "inconnu": 3}
    assert pathway["ressources"]["inconnu"] == 4  # an unknown value counts as unknown
    assert all(sum(states.values()) == 4 for states in pathway.values())


def test_the_report_counts_referrals_by_status(report):
    assert report["referrals"] == {
        "open": 4,  # sent, escalated, pending, sending
        "escalated": 1,
        "undeliverable": 1,
        "failed": 1,
        "acknowledged": 4,
        "declined": 1,
        "redirected": 1,
        "cancelled": 1,
    }


def test_the_report_gives_the_median_over_every_acknowledged_referral(report):
    assert report["median_days_to_acknowledgement"] == 2.5  # 1, 2, 3, 4 days


def test_the_report_counts_pathway_risks_of_active_youths_only(report):
    # Y1 majority today (passed), Y5 and Y6 out of the window, Y7 exited: Y2 only
    assert report["pathway_risks"] == 1
    assert report["pathway_risks_by_part"]["sante"] == 1
    assert sum(report["pathway_risks_by_part"].values()) == 1


def test_the_report_is_json_serialisable(report):
    assert json.loads(json.dumps(report)) == report


def test_an_empty_department_gives_none_shares_and_zero_counts():
    report = department_report([], [], today=TODAY)
    assert report["youths_by_majority_month"] == {}
    assert report["next_6_months"]["youths"] == 0
    assert report["next_6_months"]["ml_acknowledged_share"] is None
    assert report["next_6_months"]["hj_acknowledged_share"] is None
    assert report["median_days_to_acknowledgement"] is None
    assert set(report["referrals"].values()) == {0}
    assert report["pathway_risks"] == 0


def test_a_cohort_without_housing_need_has_no_housing_share():
    report = department_report([youth("Y1", date(2026, 4, 1))], [], today=TODAY)
    assert report["next_6_months"]["ml_acknowledged_share"] == 0.0
    assert report["next_6_months"]["hj_acknowledged_share"] is None


def test_a_youth_with_several_acknowledged_referrals_counts_once():
    refs = [referral("Y1", "mission_locale", "acknowledged")] * 2
    report = department_report([youth("Y1", date(2026, 4, 1))], refs, today=TODAY)
    assert report["next_6_months"]["ml_acknowledged_share"] == 1.0


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        (labels.KIND_LABELS, ("mission_locale", "habitat_jeunes", "entretien")),
        (labels.PART_LABELS, PATHWAY_PARTS),
        (labels.STATE_LABELS, (*PATHWAY_STATES, "inconnu")),
        (
            labels.STATUS_LABELS,
            (
                "pending",
                "sending",
                "sent",
                "acknowledged",
                "declined",
                "redirected",
                "undeliverable",
                "failed",
                "escalated",
                "cancelled",
            ),
        ),
    ],
)
def test_every_code_has_a_french_label(table, codes):
    assert set(table) == set(codes)
    assert all(table[code].strip() for code in codes)


@pytest.mark.parametrize(
    ("table", "code", "label"),
    [
        (labels.KIND_LABELS, "entretien", "Entretien de préparation à la majorité"),
        (labels.PART_LABELS, "emploi", "Emploi / formation"),
        (labels.PART_LABELS, "accompagnement", "Accompagnement socio-éducatif"),
        (labels.STATUS_LABELS, "acknowledged", "Pris en charge"),
        (labels.STATUS_LABELS, "failed", "Échec d'envoi"),
        (labels.STATUS_LABELS, "escalated", "Relancé (escalade)"),
        (labels.STATE_LABELS, "a_traiter", "À traiter"),
        (labels.CHANNEL_LABELS, "sms", "SMS"),
        (labels.STATUS_LABELS, "inattendu", "inattendu"),  # unknown code shown as is
    ],
)
def test_a_label_translates_a_code(table, code, label):
    assert labels.label(table, code) == label

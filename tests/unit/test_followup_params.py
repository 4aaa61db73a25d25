"""Query parameters of the follow-up routes: limits, filters, dates and the opaque cursor."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from chalicelib.reporting import params
from chalicelib.reporting.params import InvalidParameterError

TABLE_KEY = ("department", "id_externe")


def cursor_of(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_the_page_size_defaults_to_50_and_accepts_1_to_200():
    assert params.limit(None) == 50
    assert params.limit("  ") == 50
    assert params.limit("1") == 1
    assert params.limit("200") == 200


@pytest.mark.parametrize("value", ["0", "201", "-1", "abc", "1.5", "1e3", "²", "9" * 5000])
def test_a_page_size_out_of_bounds_or_not_an_integer_is_refused(value):
    with pytest.raises(InvalidParameterError) as raised:
        params.limit(value)
    assert raised.value.status == 400
    assert "limit" in raised.value.message


def test_a_filter_value_is_matched_ignoring_case_and_surrounding_spaces():
    assert params.choice("status", " Active ", params.YOUTH_STATUSES) == "active"
    assert params.choice("status", "", params.YOUTH_STATUSES) is None


def test_an_unknown_filter_value_is_refused_without_echoing_it():
    with pytest.raises(InvalidParameterError) as raised:
        params.choice("status", "<script>", params.YOUTH_STATUSES)
    assert "<script>" not in raised.value.message
    assert "active" in raised.value.message


def test_referral_filters_know_every_status_and_kind_of_the_spec():
    assert {"pending", "sent", "acknowledged", "escalated", "cancelled"} <= set(
        params.REFERRAL_STATUSES
    )
    assert set(params.REFERRAL_KINDS) == {"mission_locale", "habitat_jeunes", "entretien"}


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "15/01/2026", "2026-1-5", "x"])
def test_a_majority_bound_must_be_a_real_iso_date(value):
    with pytest.raises(InvalidParameterError):
        params.day("majority_from", value)


def test_majority_bounds_are_optional_but_must_be_in_order():
    assert params.day_range(None, "2026-06-30") == (None, date(2026, 6, 30))
    assert params.day_range("2026-01-01", "2026-01-01") == (date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(InvalidParameterError):
        params.day_range("2026-06-30", "2026-01-01")


def test_a_cursor_gives_back_the_key_it_was_made_from():
    key = {"department": {"S": "59"}, "id_externe": {"S": "ASE 24/é#7"}}
    text = params.encode_cursor(key)
    assert text is not None and "=" not in text
    assert params.decode_cursor(text, names=TABLE_KEY, fixed={"department": "59"}) == key


def test_no_key_means_no_cursor_and_no_cursor_means_the_first_page():
    assert params.encode_cursor(None) is None
    assert params.decode_cursor(None, names=TABLE_KEY, fixed={}) is None
    assert params.decode_cursor("", names=TABLE_KEY, fixed={}) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 !",
        "%%%",
        cursor_of([1, 2]),
        cursor_of("text"),
        cursor_of({"department": {"S": "59"}}),  # a key name missing
        cursor_of({"department": {"S": "59"}, "id_externe": {"N": "1"}}),  # wrong type
        cursor_of({"department": {"S": "59"}, "id_externe": {"S": ""}}),  # empty value
        cursor_of({"department": {"S": "59"}, "id_externe": {"S": 5}}),
        cursor_of({"department": {"S": "59"}, "id_externe": {"S": "A"}, "x": {"S": "y"}}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8
        "A" * 5000,
    ],
)
def test_a_garbled_or_foreign_cursor_is_refused(cursor):
    with pytest.raises(InvalidParameterError) as raised:
        params.decode_cursor(cursor, names=TABLE_KEY, fixed={"department": "59"})
    assert raised.value.code == "invalid_parameter"


def test_a_cursor_of_another_department_cannot_open_its_partition():
    other = params.encode_cursor({"department": {"S": "62"}, "id_externe": {"S": "A-1"}})
    with pytest.raises(InvalidParameterError):
        params.decode_cursor(other, names=TABLE_KEY, fixed={"department": "59"})

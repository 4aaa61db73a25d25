"""Phone numbers → E.164, with overseas numbers read in their own region (SPEC §5.1 "Phones")."""

from __future__ import annotations

import pytest

from chalicelib.inputs.phones import InvalidPhoneError, Phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "612345678",  # Excel dropped the leading zero of a text cell
        612345678,  # …or of a number cell
        612345678.0,
        "33612345678",  # Excel dropped the "+"
        33612345678,
        "\u00a006 12 34 56 78\u00a0",
    ],
)
def test_the_forms_departments_write_all_give_the_same_e164_mobile(raw):
    assert normalize_phone(raw, "59") == Phone("+33612345678", mobile=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0690 00 12 34", "+590690001234"),  # Guadeloupe / Saint-Martin / Saint-Barthélemy
        ("0691 30 12 34", "+590691301234"),
        ("0696 20 12 34", "+596696201234"),  # Martinique
        ("0697 00 12 34", "+596697001234"),
        ("0694 20 12 34", "+594694201234"),  # Guyane
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("0693 00 12 34", "+262693001234"),
        ("0639 01 23 45", "+262639012345"),  # Mayotte: +262, never +269 (the Comoros)
    ],
)
@pytest.mark.parametrize("department", ["75", "971", "974", "976"])
def test_each_overseas_mobile_prefix_is_read_in_its_own_region_whatever_the_department(
    raw, expected, department
):
    assert normalize_phone(raw, department) == Phone(expected, mobile=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("690001234", "+590690001234"),
        ("639012345", "+262639012345"),
        (692123456, "+262692123456"),
    ],
)
def test_an_overseas_number_that_lost_its_leading_zero_keeps_its_region(raw, expected):
    assert normalize_phone(raw, "59").e164 == expected


@pytest.mark.parametrize("department", ["971", "972", "973", "974", "976"])
def test_a_metropolitan_mobile_stays_plus_33_in_an_overseas_department(department):
    assert normalize_phone("06 12 34 56 78", department) == Phone("+33612345678", mobile=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+33 6 90 00 12 34", "+590690001234"),  # overseas number written behind +33
        ("+269 639 01 23 45", "+262639012345"),  # Mayotte's pre-2007 country code
        ("+262 639 01 23 45", "+262639012345"),
        ("00590 690 00 12 34", "+590690001234"),
        ("262692123456", "+262692123456"),
    ],
)
def test_international_forms_of_overseas_numbers_are_corrected(raw, expected):
    assert normalize_phone(raw, "974").e164 == expected


@pytest.mark.parametrize(
    ("raw", "department", "expected"),
    [
        ("01 45 67 89 01", "75", "+33145678901"),
        ("09 12 34 56 78", "59", "+33912345678"),  # VoIP, no SMS
        ("0590 20 12 34", "971", "+590590201234"),
        ("0596 30 12 34", "75", "+596596301234"),
        ("0594 10 12 34", "75", "+594594101234"),
        ("0262 16 12 34", "974", "+262262161234"),
        ("0269 60 12 34", "976", "+262269601234"),
        ("+32 2 555 12 34", "59", "+3225551234"),
    ],
)
def test_landlines_are_accepted_but_not_mobile(raw, department, expected):
    assert normalize_phone(raw, department) == Phone(expected, mobile=False)


def test_the_newer_overseas_mobile_ranges_are_found_by_trying_each_region():
    assert normalize_phone("0709 00 12 34", "75") == Phone("+590709001234", mobile=True)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "06 12 34",
        "06 12 34 56 78 90",
        "00 00 00 00 00",
        "0612a45678",
        "06 12 34 56 78 poste 12",
        "+999 1234 5678",
        "٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "1" * 60,
        "+33 6 12",
        12.5,
    ],
)
def test_anything_else_is_refused(raw):
    with pytest.raises(InvalidPhoneError):
        normalize_phone(raw, "59")


def test_the_error_is_a_value_error_whose_message_never_shows_the_number():
    with pytest.raises(ValueError, match="invalide") as caught:
        normalize_phone("06 98 76 5", "59")
    assert not any(ch.isdigit() for ch in str(caught.value))

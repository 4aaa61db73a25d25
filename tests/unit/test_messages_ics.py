"""Interview invitations: parsed back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from chalicelib.messages import Attachment, build_invitation, invitation_attachment

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 5, 4, 14, 30, tzinfo=PARIS)
STAMP = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def invitation(**overrides: object) -> bytes:
    arguments: dict = {
        "uid": "entretien-3f9a2c@relais-ase",
        "sequence": 0,
        "method": "REQUEST",
        "start": START,
        "duration_minutes": 60,
        "summary": "Entretien de préparation à la majorité – Maëlys D.",
        "location": "MDS Lille-Sud, 3 rue de l'Égalité; Lille",
        "description": "Invitation du département Nord (59).\nRéponse : https://x.fr/ack/t",
        "organizer": ("Service ASE – Nord (59)", "ase@lenord.fr"),
        "attendee": ("Mission locale de Lille", "accueil@ml-lille.example.org"),
        "timezone": "Europe/Paris",
        "dtstamp": STAMP,
        **overrides,
    }
    return build_invitation(**arguments)


def parse(data: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_a_request_parses_back_with_every_field() -> None:
    calendar, event = parse(invitation())

    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == "entretien-3f9a2c@relais-ase"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Entretien de préparation à la majorité – Maëlys D."
    assert str(event["LOCATION"]) == "MDS Lille-Sud, 3 rue de l'Égalité; Lille"
    assert str(event["DESCRIPTION"]).endswith("https://x.fr/ack/t")
    assert str(event["ORGANIZER"]) == "mailto:ase@lenord.fr"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:accueil@ml-lille.example.org"
    # the answer goes through the acknowledgement link: no calendar reply is asked for
    assert attendee.params["RSVP"] == "FALSE" and attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["CN"] == "Mission locale de Lille"
    assert event["organizer"].params["CN"] == "Service ASE – Nord (59)"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert b"DTSTART;TZID=Europe/Paris:20260504T143000" in invitation()


def test_a_change_keeps_the_uid_with_a_higher_sequence() -> None:
    _, first = parse(invitation())
    _, second = parse(invitation(sequence=1, start=START + timedelta(days=2)))
    assert first["UID"] == second["UID"] and second["SEQUENCE"] == 1


def test_a_cancellation_has_method_cancel_and_status_cancelled() -> None:
    calendar, event = parse(invitation(method="CANCEL", sequence=2))
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == "entretien-3f9a2c@relais-ase" and event["SEQUENCE"] == 2


def test_the_same_input_gives_the_same_bytes() -> None:
    assert invitation() == invitation()


def test_dtstamp_defaults_to_now_in_utc() -> None:
    _, event = parse(invitation(dtstamp=None))
    assert abs(event.decoded("DTSTAMP") - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_start_is_expressed_in_the_departments_time_zone() -> None:
    start = datetime(2026, 5, 4, 13, 0, tzinfo=UTC)
    calendar, event = parse(invitation(start=start, timezone="America/Cayenne"))
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").hour == 10
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Cayenne"]


def test_without_a_place_there_is_no_location() -> None:
    _, event = parse(invitation(location=None))
    assert "LOCATION" not in event


def test_line_breaks_cannot_inject_properties() -> None:
    data = invitation(summary="Entretien\r\nATTENDEE:mailto:x@evil.example", location="A\nB")
    _, event = parse(data)
    assert len(event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [1]) == 1
    assert "\n" not in str(event["SUMMARY"]) and b"\r\nATTENDEE:mailto:x@evil" not in data


@pytest.mark.parametrize(
    "overrides",
    [
        {"method": "PUBLISH"},
        {"start": datetime(2026, 5, 4, 14, 30)},
        {"duration_minutes": 0},
        {"sequence": -1},
    ],
)
def test_invalid_arguments_are_refused(overrides: dict) -> None:
    with pytest.raises(ValueError):
        invitation(**overrides)


def test_the_attachment_is_a_calendar_invitation() -> None:
    data = invitation()
    attachment = invitation_attachment(data, "REQUEST")
    assert attachment == Attachment(
        "invitation.ics", "text/calendar; method=REQUEST; charset=UTF-8", data
    )
    assert "method=CANCEL;" in invitation_attachment(data, "CANCEL").content_type

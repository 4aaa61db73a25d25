"""Calendar invitations (iCalendar RFC 5545, iTIP RFC 5546) for the preparation interview. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from chalicelib.messages.render import Attachment

METHODS = ("REQUEST", "CANCEL")
PRODID = "-//Relais ASE//Entretien de preparation a la majorite//FR"


def build_invitation(
    *,
    uid: str,
    sequence: int,
    method: str,
    start: datetime,
    duration_minutes: int,
    summary: str,
    location: str | None,
    description: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    timezone: str,
    dtstamp: datetime | None = None,
) -> bytes:
    """An ``.ics`` with one VEVENT. ``method`` REQUEST (STATUS:CONFIRMED) or CANCEL
    (STATUS:CANCELLED); the same ``uid`` with a higher ``sequence`` updates or cancels it.

    ``start`` must be time-zone aware; it is expressed in ``timezone`` (IANA name), whose
    VTIMEZONE is included. ``dtstamp`` defaults to now (UTC). ``organizer`` and ``attendee`` are
    (name, email). RSVP=FALSE: the answer goes through the acknowledgement link, which the
    description gives with the contacts, never through a calendar reply nobody reads.
    """
    _check(method, start, duration_minutes, sequence)
    local_start = start.astimezone(ZoneInfo(timezone))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (dtstamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", local_start)
    event.add("dtend", local_start + timedelta(minutes=duration_minutes))
    event.add("summary", _one_line(summary))
    if location:
        event.add("location", _one_line(location))
    event.add("description", description)
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(*organizer, role=None))
    event.add("attendee", _address(*attendee, role="REQ-PARTICIPANT"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _check(method: str, start: datetime, duration_minutes: int, sequence: int) -> None:
    if method not in METHODS:
        raise ValueError(f"méthode iCalendar invalide : {method!r}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("l'heure de début doit porter un fuseau horaire")
    if duration_minutes <= 0:
        raise ValueError("la durée doit être positive")
    if sequence < 0:
        raise ValueError("la séquence doit être positive ou nulle")


def invitation_attachment(data: bytes, method: str) -> Attachment:
    """The attachment calendar clients recognise as an invitation (or its cancellation)."""
    if method not in METHODS:
        raise ValueError(f"méthode iCalendar invalide : {method!r}")
    return Attachment(
        filename="invitation.ics" if method == "REQUEST" else "annulation.ics",
        # Outlook treats the part as an invitation only when this method matches the METHOD
        content_type=f"text/calendar; method={method}; charset=UTF-8",
        data=data,
    )


def _address(name: str, email: str, *, role: str | None) -> vCalAddress:
    address = vCalAddress("mailto:" + _one_line(email).replace(" ", ""))
    address.params["CN"] = vText(_one_line(name))
    if role:
        address.params["CUTYPE"] = vText("INDIVIDUAL")
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("FALSE")
    return address


def _one_line(text: str) -> str:
    return " ".join(str(text).split())

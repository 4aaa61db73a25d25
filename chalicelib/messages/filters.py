"""French formatting helpers, registered as Jinja2 filters and globals. Pure.

Every filter returns plain ``str``: autoescaping of the HTML templates still applies to its result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from urllib.parse import quote, urlsplit

from chalicelib.domain.youth import initial

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Country codes whose national numbers are written 0 + 9 digits (metropolitan France and overseas).
_FRENCH_CALLING_CODES = ("+33", "+590", "+594", "+596", "+262")
_DIGITS = re.compile(r"\D")


def as_date(value: date | str) -> date:
    """A ``date`` from a date, a datetime or an ISO string (``2027-05-12`` or ``2027-05-12T…``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"date attendue, reçu {type(value).__name__}")


def date_fr(value: date | str) -> str:
    """``12/05/2027``."""
    day = as_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_long_fr(value: date | str) -> str:
    """``mercredi 12 mai 2027`` (``samedi 1er mai 2027``)."""
    day = as_date(value)
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def date_or_text_fr(value: date | str | None) -> str:
    """``date_long_fr`` of a readable date; anything else (a partner's typed text) as given."""
    if value in (None, ""):
        return ""
    try:
        return date_long_fr(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def mois_fr(value: date | str) -> str:
    """``mai 2027``."""
    day = as_date(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def iso_date(value: date | str | None) -> str:
    """``2027-05-12`` (for ``<input type=date>``); empty for None or an unreadable value."""
    if value in (None, ""):
        return ""
    try:
        return as_date(value).isoformat()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def datetime_fr(value: datetime | str) -> str:
    """``12/05/2027 à 14 h 05`` (the value is shown in its own time zone)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{date_fr(moment)} à {moment.hour} h {moment.minute:02d}"


def heure_fr(value: str | None) -> str:
    """``14:00`` → ``14 h 00``; ``09:30`` → ``9 h 30``; empty when absent."""
    if not value:
        return ""
    hours, _, minutes = str(value).partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return str(value)
    return f"{int(hours)} h {minutes}"


def liste_fr(items: Iterable[str] | None) -> str:
    """``a``, ``a et b``, ``a, b et c``; empty for an empty list."""
    values = [str(item) for item in items or () if item]
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + " et " + values[-1]


def telephone_fr(value: str | None) -> str:
    """E.164 French or overseas number → ``06 12 34 56 78``; anything else as given."""
    if not value:
        return ""
    text = str(value)
    for code in _FRENCH_CALLING_CODES:
        digits = _DIGITS.sub("", text[len(code) :])
        if text.startswith(code) and len(digits) == 9:
            national = "0" + digits
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return text


def commune(youth: Mapping) -> str:
    """``Lille (59350)`` or the INSEE code alone when the name is unknown."""
    name = youth.get("commune_nom")
    code = youth.get("commune_code") or ""
    if name:
        return f"{name} ({code})" if code else str(name)
    return f"commune {code}" if code else ""


def dept_label(department: Mapping) -> str:
    """``Nord (59)``."""
    name = department.get("name") or ""
    code = department.get("code") or ""
    if name and code:
        return f"{name} ({code})"
    return str(name or code)


def href(value: str | None) -> str:
    """The URL when it is an absolute http(s) URL, else ``about:blank`` (never ``javascript:``)."""
    text = str(value or "")
    try:
        parts = urlsplit(text)
    except ValueError:
        return "about:blank"
    if parts.scheme in ("http", "https") and parts.netloc:
        return text
    return "about:blank"


def mailto(value: str | None) -> str:
    """``mailto:`` URL of one address, percent-encoded outside address characters."""
    return "mailto:" + quote(str(value or ""), safe="@.+-_")


def tel(value: str | None) -> str:
    """``tel:`` URL keeping only digits and a leading ``+``."""
    text = str(value or "")
    digits = _DIGITS.sub("", text)
    return "tel:" + ("+" + digits if text.startswith("+") else digits)


FILTERS = {
    "date_fr": date_fr,
    "date_long_fr": date_long_fr,
    "date_or_text_fr": date_or_text_fr,
    "mois_fr": mois_fr,
    "iso_date": iso_date,
    "datetime_fr": datetime_fr,
    "heure_fr": heure_fr,
    "initiale": initial,
    "liste_fr": liste_fr,
    "telephone_fr": telephone_fr,
    "commune": commune,
    "dept_label": dept_label,
    "href": href,
    "mailto": mailto,
    "tel": tel,
}

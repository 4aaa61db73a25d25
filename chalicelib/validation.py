"""Small validators shared by every input path. Pure."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def is_email(value: str | None) -> bool:
    text = (value or "").strip()
    return len(text) <= 254 and bool(_EMAIL.match(text)) and ".." not in text


# C0 controls but tab, line feed and carriage return; DEL; C1 controls (NEL…); XML non-characters
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def without_controls(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters (SPEC §7: they never reach a message, a page or an
    export; one NUL or vertical tab is enough to break an XLSX). A tab becomes a space; a line
    break is kept as "\\n" in ``multiline`` text (a comment), a space elsewhere."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    return strip_controls(text)


def strip_controls(text: str) -> str:
    """``text`` without its control characters, tab and line breaks kept (an export's cell)."""
    return _CONTROLS.sub("", text)


def whole_number(text: str, max_digits: int) -> int | None:
    """``text`` as a number of at most ``max_digits`` ASCII digits, else None: "²".isdigit() is
    True and int("²") raises; int() of 5,000 digits raises too. For numbers from a URL or a form."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None

"""Small validators shared by every input path. Pure."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def is_email(value: str | None) -> bool:
    text = (value or "").strip()
    return len(text) <= 254 and bool(_EMAIL.match(text)) and ".." not in text

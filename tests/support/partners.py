"""Helpers for the partners' space (SPEC §4c): its link in a referral email, the structures."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SPACE_LINK = re.compile(r"https?://[^\s\"'<>]+/partenaires/[A-Za-z0-9_-]{43}")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def space_link(email: dict) -> str:
    """The space link of a referral email read from the outbox (its text part)."""
    found = SPACE_LINK.search(email.get("text") or "")
    assert found, "no space link in the email"
    return found.group(0)


def space_path(email: dict) -> str:
    return urlsplit(space_link(email)).path


def emails_to(messages: list[dict], address: str) -> list[dict]:
    return [m for m in messages if m["channel"] == "email" and address in str(m["to"])]

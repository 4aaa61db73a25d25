"""The department's audit as the console writes and reads it (counts and opaque subjects only,
never personal data): the console goes through here, never through the store."""

from __future__ import annotations

from chalicelib.store import audit


def record(code: str, action: str, actor: str, *, subject: str | None = None) -> None:
    audit.record(code, action, actor, subject=subject)


def events(code: str, limit: int = 100) -> list[dict]:
    """The department's latest events, newest first."""
    return audit.events(code, limit=limit)

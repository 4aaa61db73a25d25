"""Who may enter a department's console: emails as ProConnect returns them, per department."""

from __future__ import annotations

from chalicelib import audit
from chalicelib.departments import service as departments
from chalicelib.errors import BadRequestError
from chalicelib.store import console as store
from chalicelib.validation import is_email


def normalise(email: str) -> str:
    text = (email or "").strip().lower()
    if not is_email(text):
        raise BadRequestError("Adresse électronique invalide.", code="invalid_email")
    return text


def add(code: str, email: str, *, actor: str) -> bool:
    """Let ``email`` into department ``code``'s console; False when it already was."""
    department = departments.get(code.strip().upper())
    address = normalise(email)
    added = store.allow_agent(department.code, address, added_by=actor)
    if added:
        audit.record(department.code, "agent_added", actor)
    return added


def remove(code: str, email: str, *, actor: str) -> bool:
    department = departments.get(code.strip().upper())
    removed = store.disallow_agent(department.code, normalise(email))
    if removed:
        audit.record(department.code, "agent_removed", actor)
    return removed


def of_department(code: str) -> list[str]:
    return store.agents_of(code)


def departments_of(email: str) -> list[str]:
    return store.departments_of(email.strip().lower())

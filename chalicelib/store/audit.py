"""The append-only audit: who, when, what, with counts. Never personal data."""

from __future__ import annotations

import secrets

from chalicelib.domain.clock import iso, utcnow
from chalicelib.store.models import AuditEvent

OPERATORS_SCOPE = "operators"


def record(
    scope: str,
    action: str,
    actor: str,
    *,
    counts: dict[str, int] | None = None,
    subject: str | None = None,
) -> None:
    new_event(scope, action, actor, counts=counts, subject=subject).save(condition=IS_NEW)


IS_NEW = AuditEvent.at_id.does_not_exist()


def new_event(
    scope: str,
    action: str,
    actor: str,
    *,
    counts: dict[str, int] | None = None,
    subject: str | None = None,
) -> AuditEvent:
    """The event ``record`` writes (a transaction may write it with something else)."""
    return AuditEvent(
        scope,
        f"{iso(utcnow())}#{secrets.token_hex(6)}",
        action=action,
        actor=actor,
        counts=dict(counts or {}),
        subject=subject,
    )


def events(scope: str, limit: int = 100) -> list[dict]:
    return [
        {
            "at": item.at_id.split("#", 1)[0],
            "action": item.action,
            "actor": item.actor,
            "counts": item.counts.as_dict() if hasattr(item.counts, "as_dict") else item.counts,
            "subject": item.subject,
        }
        for item in AuditEvent.query(scope, scan_index_forward=False, limit=limit)
    ]

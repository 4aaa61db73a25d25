"""The department console's storage: sign-in attempts, sessions and the agents allowed in.

One table, ``{prefix}-console`` (``pk`` / ``sk``, TTL ``expires_at``):

* ``login#<sha256(state)>`` / ``-``: one OIDC sign-in in progress (nonce, PKCE verifier), taken
  once by a conditional delete, gone after 10 minutes;
* ``session#<sha256(id)>`` / ``-``: a signed-in agent (department, email, CSRF token, times,
  the provider's ID token for ``id_token_hint`` at sign-out); the cookie holds the random id, the
  table only its hash;
* ``agents#<department>`` / ``<email>`` and ``agent#<email>`` / ``<department>``: who may enter
  which console, written together in one transaction (the second answers "where may this email
  go" at sign-in with one Query).

Every state change is a named conditional write; reads ignore expired items (DynamoDB deletes
them lazily, moto never).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.domain.clock import iso, parse_iso, utcnow
from chalicelib.store.base import is_expired
from chalicelib.store.models import ConsoleItem, Department
from chalicelib.store.writes import TransactWriteError, transaction
from chalicelib.store.writes import is_condition_failure as conditions_failed  # one rule

NO_SORT = "-"


@dataclass(frozen=True)
class StoredSession:
    department: str
    email: str
    name: str
    csrf: str
    created_at: datetime
    seen_at: datetime
    allowed: tuple[str, ...] = ()
    id_token: str = field(default="", repr=False)  # a credential of the agent: never in a log


@dataclass(frozen=True)
class PendingLogin:
    nonce: str
    verifier: str


# --- sign-in attempts ----------------------------------------------------------------------------
def start_login(state_hash: str, login: PendingLogin, expires_at: datetime) -> None:
    ConsoleItem(
        f"login#{state_hash}",
        NO_SORT,
        nonce=login.nonce,
        verifier=login.verifier,
        expires_at=expires_at,
    ).save(condition=ConsoleItem.pk.does_not_exist())


def take_login(state_hash: str, now: datetime) -> PendingLogin | None:
    """The sign-in started with this state, once: a replayed or expired state gets None."""
    try:
        old = ConsoleItem._get_connection().delete_item(
            f"login#{state_hash}",
            range_key=NO_SORT,
            condition=ConsoleItem.pk.exists(),
            return_values="ALL_OLD",
        )
    except DeleteError as error:
        if conditions_failed(error):
            return None
        raise
    attributes = (old or {}).get("Attributes") or {}
    if not attributes:
        return None
    found = ConsoleItem.from_raw_data(attributes)
    if is_expired(found.expires_at, now) or not found.nonce or not found.verifier:
        return None
    return PendingLogin(nonce=found.nonce, verifier=found.verifier)


# --- sessions ------------------------------------------------------------------------------------
def open_session(session_hash: str, session: StoredSession, expires_at: datetime) -> None:
    ConsoleItem(
        f"session#{session_hash}",
        NO_SORT,
        department=session.department,
        email=session.email,
        name=session.name,
        csrf=session.csrf,
        created_at=iso(session.created_at),
        seen_at=iso(session.seen_at),
        allowed=",".join(session.allowed) or None,
        id_token=session.id_token or None,
        expires_at=expires_at,
    ).save(condition=ConsoleItem.pk.does_not_exist())


def read_session(session_hash: str, now: datetime) -> StoredSession | None:
    try:
        item = ConsoleItem.get(f"session#{session_hash}", NO_SORT)
    except ConsoleItem.DoesNotExist:
        return None
    if is_expired(item.expires_at, now) or not item.department or not item.created_at:
        return None
    return StoredSession(
        department=item.department,
        email=item.email or "",
        name=item.name or "",
        csrf=item.csrf or "",
        created_at=parse_iso(item.created_at),
        seen_at=parse_iso(item.seen_at or item.created_at),
        allowed=tuple(filter(None, (item.allowed or "").split(","))),
        id_token=item.id_token or "",
    )


def touch_session(session_hash: str, seen_at: datetime, expires_at: datetime) -> None:
    """Push the idle expiry; a session closed meanwhile stays closed."""
    try:
        ConsoleItem(f"session#{session_hash}", NO_SORT).update(
            actions=[ConsoleItem.seen_at.set(iso(seen_at)), ConsoleItem.expires_at.set(expires_at)],
            condition=ConsoleItem.pk.exists(),
        )
    except UpdateError as error:
        if not conditions_failed(error):
            raise


def switch_department(session_hash: str, department: str) -> bool:
    """The session moves to another of its departments (a new CSRF token is not needed: the
    token is the session's, and the session stays the same agent's)."""
    try:
        ConsoleItem(f"session#{session_hash}", NO_SORT).update(
            actions=[ConsoleItem.department.set(department)],
            condition=ConsoleItem.pk.exists() & ConsoleItem.allowed.contains(department),
        )
    except UpdateError as error:
        if conditions_failed(error):
            return False
        raise
    return True


def close_session(session_hash: str) -> str:
    """Delete the session; the ID token it held ("" if none), read by the same delete so that
    only the request that closed it can hand the token on to the provider's sign-out."""
    old = ConsoleItem._get_connection().delete_item(
        f"session#{session_hash}", range_key=NO_SORT, return_values="ALL_OLD"
    )
    attributes = (old or {}).get("Attributes") or {}
    if not attributes:
        return ""
    return ConsoleItem.from_raw_data(attributes).id_token or ""


# --- agents --------------------------------------------------------------------------------------
def allow_agent(department: str, email: str, added_by: str) -> bool:
    """True when the email was not yet allowed in this department (and the department exists:
    an agent added while the department is removed would outlive it)."""
    at = iso(utcnow())
    try:
        with transaction() as write:
            write.condition_check(Department, department, condition=Department.code.exists())
            write.save(
                ConsoleItem(f"agents#{department}", email, added_by=added_by, created_at=at),
                condition=ConsoleItem.pk.does_not_exist(),
            )
            write.save(ConsoleItem(f"agent#{email}", department, created_at=at))
    except TransactWriteError as error:
        if conditions_failed(error):
            return False
        raise
    return True


def disallow_agent(department: str, email: str) -> bool:
    """True when the email was allowed and is no longer."""
    try:
        with transaction() as write:
            write.delete(
                ConsoleItem(f"agents#{department}", email), condition=ConsoleItem.pk.exists()
            )
            write.delete(ConsoleItem(f"agent#{email}", department))
    except TransactWriteError as error:
        if conditions_failed(error):
            return False
        raise
    return True


def disallow_department(department: str) -> int:
    """Every agent of a removed department loses it: their sessions there end at the next
    request (``console.sessions.current`` checks the agent at each one) and sign-in no longer
    offers it. Returns how many agents were let go."""
    emails = agents_of(department)
    return sum(disallow_agent(department, email) for email in emails)


def agents_of(department: str) -> list[str]:
    return sorted(item.sk for item in ConsoleItem.query(f"agents#{department}"))


def is_agent(department: str, email: str) -> bool:
    try:
        ConsoleItem.get(f"agents#{department}", email, attributes_to_get=["pk"])
    except ConsoleItem.DoesNotExist:
        return False
    return True


def departments_of(email: str) -> list[str]:
    return sorted(item.sk for item in ConsoleItem.query(f"agent#{email}"))


__all__ = [
    "ConsoleItem",
    "PendingLogin",
    "StoredSession",
    "agents_of",
    "allow_agent",
    "close_session",
    "departments_of",
    "disallow_agent",
    "disallow_department",
    "is_agent",
    "open_session",
    "read_session",
    "start_login",
    "switch_department",
    "take_login",
    "touch_session",
]

"""Console sessions (SPEC §4b): sign-in through the provider, session lookup, CSRF, sign-out.

The browser holds a random session id (256 bits); the table holds only its SHA-256. A session
lasts 8 hours without activity and 12 hours at most; it ends at once when the agent is removed
from the department. Every sign-in, refusal and sign-out is in the audit.

The session also keeps the provider's ID token (an agent's credential, gone with the session):
signing out hands it to the provider as ``id_token_hint`` so that the agent's ProConnect session
ends too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.console import oidc
from chalicelib.store import audit
from chalicelib.store import console as store

IDLE = timedelta(hours=8)
MAXIMUM = timedelta(hours=12)
LOGIN_LIFETIME = timedelta(minutes=10)
TOUCH_EVERY = timedelta(minutes=5)  # fewer writes: the idle expiry moves at most every 5 minutes


class NotAllowedError(Exception):
    """A valid identity that no department lists: the page says whom to ask."""


@dataclass(frozen=True)
class Agent:
    """The signed-in agent behind one request."""

    department: str
    email: str
    name: str
    csrf: str
    session_hash: str
    departments: tuple[str, ...] = ()

    @property
    def actor(self) -> str:
        return f"agent:{self.email}"


def hash_id(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def begin_sign_in(now: datetime) -> tuple[str, str]:
    """(state, the provider's authorization URL). The state also goes into a short cookie, so
    that a callback is accepted only in the browser that started the sign-in."""
    state, nonce, verifier = oidc.random_value(), oidc.random_value(), oidc.random_value()
    url = oidc.authorization_url(state, nonce, verifier)
    store.start_login(
        hash_id(state), store.PendingLogin(nonce=nonce, verifier=verifier), now + LOGIN_LIFETIME
    )
    return state, url


def finish_sign_in(state: str, code: str, browser_state: str, now: datetime) -> tuple[str, Agent]:
    """(the new session id, the agent). Raises ``oidc.SignInError`` or ``NotAllowedError``."""
    if not state or not code or not same_state(state, browser_state):
        raise oidc.SignInError(oidc.Cause.STATE_MISMATCH)
    login = store.take_login(hash_id(state), now)
    if login is None:
        raise oidc.SignInError(oidc.Cause.UNKNOWN_STATE)
    who = oidc.identity(code, login.nonce, login.verifier)
    allowed = store.departments_of(who.email) if who.email else []
    if not allowed:
        audit.record(audit.OPERATORS_SCOPE, "console_sign_in_refused", "console")
        raise NotAllowedError(who.email)
    session_id = secrets.token_urlsafe(32)
    name = " ".join(part for part in (who.given_name, who.usual_name) if part) or who.email
    stored = store.StoredSession(
        department=allowed[0],
        email=who.email,
        name=name,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        seen_at=now,
        allowed=tuple(allowed),
        id_token=who.id_token,
    )
    store.open_session(hash_id(session_id), stored, now + IDLE)
    audit.record(stored.department, "sign_in", f"agent:{who.email}")
    return session_id, _agent(stored, hash_id(session_id))


def current(session_id: str | None, now: datetime) -> Agent | None:
    """The agent of a live session, or None (unknown, idle, too old, or no longer allowed)."""
    if not session_id or len(session_id) > 100:
        return None
    session_hash = hash_id(session_id)
    stored = store.read_session(session_hash, now)
    if stored is None or now >= expiry(stored.created_at, stored.seen_at):
        return None
    if not store.is_agent(stored.department, stored.email):
        store.close_session(session_hash)
        return None
    if now - stored.seen_at >= TOUCH_EVERY:
        store.touch_session(session_hash, now, expiry(stored.created_at, now))
    return _agent(stored, session_hash)


def expiry(created_at: datetime, seen_at: datetime) -> datetime:
    return min(seen_at + IDLE, created_at + MAXIMUM)


@dataclass(frozen=True)
class ProviderSignOut:
    """Where the browser goes to end the agent's session at the provider, and the ``state`` it
    must bring back (kept in a short cookie of this browser)."""

    state: str
    url: str = field(repr=False)  # carries the ID token


def sign_out(agent: Agent) -> ProviderSignOut | None:
    """Close our session, then the provider's sign-out to follow (None: the provider has no
    end-session endpoint, or the session no ID token)."""
    id_token = store.close_session(agent.session_hash)
    audit.record(agent.department, "sign_out", agent.actor)
    state = oidc.random_value()
    url = oidc.end_session_url(id_token, state)
    return ProviderSignOut(state=state, url=url) if url else None


def signed_out_here(state: str, browser_state: str) -> bool:
    """The provider sent back the sign-out this browser started."""
    return bool(state) and same_state(state, browser_state)


def same_state(state: str, browser_state: str | None) -> bool:
    """Constant-time comparison; bytes, because ``compare_digest`` raises on non-ASCII text (a
    forged ``?state=é`` must be a mismatch, not a 500)."""
    return hmac.compare_digest(state.encode(), (browser_state or "").encode())


def switch(agent: Agent, department: str) -> bool:
    """Work in another department the agent is (still) allowed in."""
    if department not in agent.departments or not store.is_agent(department, agent.email):
        return False
    if not store.switch_department(agent.session_hash, department):
        return False
    audit.record(department, "department_switched", agent.actor)
    return True


def csrf_ok(agent: Agent, token: str | None) -> bool:
    """Constant-time, on bytes: a non-ASCII token is a mismatch, not an error."""
    given = (token or "").encode("utf-8", "replace")
    return bool(token) and bool(agent.csrf) and hmac.compare_digest(agent.csrf.encode(), given)


def _agent(stored: store.StoredSession, session_hash: str) -> Agent:
    return Agent(
        department=stored.department,
        email=stored.email,
        name=stored.name,
        csrf=stored.csrf,
        session_hash=session_hash,
        departments=stored.allowed,
    )

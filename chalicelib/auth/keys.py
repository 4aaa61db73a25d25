"""API keys: 256 random bits shown once, stored only as a SHA-256 hash.

A department key opens its own ``/departments/{code}/…`` routes; an operator key opens
``/directory/…`` and may read department reports.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from chalicelib.auth import usage_plan
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.ids import api_key_hash
from chalicelib.errors import ForbiddenError, UnauthorizedError
from chalicelib.store import departments as department_store

KEY_PREFIX = "rase_"
DEPARTMENT, OPERATOR = "department", "operator"  # the scopes of a key


@dataclass(frozen=True)
class Caller:
    scope: str  # "department" | "operator"
    department: str | None
    actor: str  # short, non-secret identifier for the audit

    @property
    def is_operator(self) -> bool:
        return self.scope == "operator"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return api_key_hash(key)


def store_key(key: str, *, scope: str, department: str | None, name: str | None) -> str:
    digest = hash_key(key)
    department_store.store_key(
        digest, scope=scope, department=department, name=name, at=iso(utcnow())
    )
    usage_plan.register(digest)  # on AWS, API Gateway refuses a key its usage plan lacks
    return digest


def revoke(digest: str) -> None:
    department_store.revoke(digest)
    usage_plan.unregister(digest)


def register_issued_keys() -> int:
    """Every key issued before the usage plan gets its API Gateway twin (a one-off after the
    first deployment with usage plans; safe to run again): how many were registered."""
    issued = [
        *department_store.keys_of(scope=DEPARTMENT),
        *department_store.keys_of(scope=OPERATOR),
    ]
    return usage_plan.register_missing(item.key_hash for item in issued)


def authenticate(authorization: str | None) -> Caller:
    """``Authorization: Bearer <key>`` → the caller, or 401. One GetItem."""
    if not authorization or not authorization.startswith("Bearer "):
        raise UnauthorizedError("Clé d'API manquante (en-tête Authorization: Bearer …).")
    key = authorization[len("Bearer ") :].strip()
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise UnauthorizedError("Clé d'API inconnue.")
    digest = hash_key(key)
    item = department_store.find_key(digest)
    if item is None:
        raise UnauthorizedError("Clé d'API inconnue.")
    actor = f"{item.scope}:{digest[:12]}"
    return Caller(scope=item.scope, department=item.department, actor=actor)


def require_department(caller: Caller, code: str, *, operator_may_read: bool = False) -> None:
    if caller.scope == "department" and caller.department == code:
        return
    if operator_may_read and caller.is_operator:
        return
    raise ForbiddenError("Cette clé ne donne pas accès à ce département.")


def require_operator(caller: Caller) -> None:
    if not caller.is_operator:
        raise ForbiddenError("Réservé aux opérateurs.")


def require_operator_or_department(caller: Caller, code: str) -> None:
    require_department(caller, code, operator_may_read=True)

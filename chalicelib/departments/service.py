"""Onboarding of departments and their keys (add, rotate, remove; operators), department
settings."""

from __future__ import annotations

from chalicelib.auth import keys
from chalicelib.domain import geo
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.stored import StoredDepartment
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError
from chalicelib.inputs.phones import InvalidPhoneError, normalize_phone
from chalicelib.store import audit
from chalicelib.store import console as console_store
from chalicelib.store import departments as department_store
from chalicelib.validation import is_email


def add(code: str, *, name: str, email: str, phone: str | None = None) -> str:
    """Register a department (or update its name/contacts) and return a new API key."""
    code = code.strip().upper()
    if not geo.is_department_code(code):
        raise BadRequestError("Code de département invalide (ex. 59, 2A, 974).")
    if not name.strip():
        raise BadRequestError("Nom du département obligatoire.")
    if not is_email(email):
        raise BadRequestError("Adresse email de contact invalide.")
    contact_phone = _phone(phone, code)
    department = department_store.with_contacts(
        code,
        name=name.strip(),
        contact_email=email.strip().lower(),
        contact_phone=contact_phone,
        timezone=geo.timezone_of(code),
        at=iso(utcnow()),
    )
    return _issue_key(department, action="department_added")


def _phone(phone: str | None, code: str) -> str | None:
    """The department's phone for partners (E.164), or None when not given."""
    if not (phone or "").strip():
        return None
    try:
        return normalize_phone(phone, code).e164
    except InvalidPhoneError:
        raise BadRequestError("Numéro de téléphone de contact invalide.") from None


def rotate_key(code: str) -> str:
    return _issue_key(get(code.strip().upper()), action="key_rotated")


def _issue_key(department: StoredDepartment, *, action: str) -> str:
    """A new key for the department; every older key stops working. The switch is conditional on
    the key read: of two rotations at once, one wins and the other fails cleanly (its key is
    revoked at once), so no key is left valid without being the department's."""
    old = department.key_hash
    key = keys.new_key()
    digest = keys.store_key(
        key, scope=keys.DEPARTMENT, department=department.code, name=department.name
    )
    if not department_store.set_key(department, digest, replacing=old):
        keys.revoke(digest)
        raise ConflictError("Clé modifiée au même moment par une autre commande : recommencez.")
    for stale in department_store.keys_of(scope=keys.DEPARTMENT, department=department.code):
        if stale.key_hash != digest:
            keys.revoke(stale.key_hash)
    audit.record(department.code, action, "operator-cli")
    return key


def remove(code: str) -> dict[str, int]:
    """Offboard a department: its keys stop working, its agents lose its console (their sessions
    there end at their next request, their sign-in no longer offers it) and it leaves the jobs.
    Its youths' data stays until erased (``DELETE …/youths/{id}``) or expired."""
    department = get(code.strip().upper())
    revoked = department_store.keys_of(scope=keys.DEPARTMENT, department=department.code)
    for item in revoked:
        keys.revoke(item.key_hash)
    department_store.remove(department.code)
    # after the department: an agent added meanwhile is refused (the addition checks it exists)
    agents_removed = console_store.disallow_department(department.code)
    counts = {"keys_revoked": len(revoked), "agents_removed": agents_removed}
    audit.record(department.code, "department_removed", "operator-cli", counts=counts)
    return counts


def revoke_operator(name: str) -> dict[str, int]:
    """Every operator key issued under ``name`` stops working."""
    found = department_store.keys_of(scope=keys.OPERATOR, name=name.strip())
    if not found:
        raise NotFoundError("Aucune clé d'opérateur sous ce nom.")
    for item in found:
        keys.revoke(item.key_hash)
    counts = {"keys_revoked": len(found)}
    audit.record(audit.OPERATORS_SCOPE, "operator_revoked", "operator-cli", counts=counts)
    return counts


def add_operator(name: str) -> str:
    if not name.strip():
        raise BadRequestError("Nom d'opérateur obligatoire.")
    key = keys.new_key()
    keys.store_key(key, scope=keys.OPERATOR, department=None, name=name.strip())
    audit.record(audit.OPERATORS_SCOPE, "operator_added", "operator-cli")
    return key


def get(code: str) -> StoredDepartment:
    department = department_store.get(code)
    if department is None:
        raise NotFoundError("Département inconnu.")
    return department


def change_settings(
    code: str,
    *,
    contact_email: str,
    contact_phone: str | None,
    numbers: dict[str, int],
    actor: str,
) -> None:
    """The department's contacts and delays, changed in its console (audited)."""
    get(code)  # still there
    department_store.change_settings(
        code, contact_email=contact_email, contact_phone=contact_phone, numbers=numbers
    )
    audit.record(code, "settings_changed", actor)


def all_departments() -> list[StoredDepartment]:
    return department_store.all_departments()

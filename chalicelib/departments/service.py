"""Onboarding of departments and their keys; department settings."""

from __future__ import annotations

from chalicelib import audit, geo
from chalicelib.auth import keys
from chalicelib.errors import BadRequestError, NotFoundError
from chalicelib.roster import columns
from chalicelib.roster.phones import InvalidPhoneError, normalize_phone
from chalicelib.store.base import iso, utcnow
from chalicelib.store.models import Department
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
    try:
        department = Department.get(code)
        department.name, department.contact_email = name.strip(), email.strip().lower()
        department.contact_phone = contact_phone or department.contact_phone
    except Department.DoesNotExist:
        department = Department(
            code,
            name=name.strip(),
            contact_email=email.strip().lower(),
            contact_phone=contact_phone,
            timezone=geo.timezone_of(code),
            created_at=iso(utcnow()),
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


def _issue_key(department: Department, *, action: str) -> str:
    old = department.key_hash
    key = keys.new_key()
    department.key_hash = keys.store_key(
        key, scope="department", department=department.code, name=department.name
    )
    department.save()
    if old:
        keys.revoke(old)
    audit.record(department.code, action, "operator-cli")
    return key


def add_operator(name: str) -> str:
    if not name.strip():
        raise BadRequestError("Nom d'opérateur obligatoire.")
    key = keys.new_key()
    keys.store_key(key, scope="operator", department=None, name=name.strip())
    audit.record(audit.OPERATORS_SCOPE, "operator_added", "operator-cli")
    return key


def get(code: str) -> Department:
    try:
        return Department.get(code)
    except Department.DoesNotExist:
        raise NotFoundError("Département inconnu.") from None


def all_departments() -> list[Department]:
    """The departments table is small (≤ 101 items): a Scan of it is the intended read."""
    return sorted(Department.scan(), key=lambda d: d.code)


def save_column_mapping(code: str, raw: object, *, actor: str) -> dict[str, str]:
    """Store the department's ``{their header: our column}``: every later roster upload (HTTP,
    S3, CLI) reads its headers through it. An empty object clears it."""
    mapping = columns.validate_mapping(raw)
    department = get(code)
    department.update(
        actions=[Department.column_mapping.set(mapping or None)],
        condition=Department.code.exists(),
    )
    audit.record(code, "column_mapping_saved", actor, counts={"entries": len(mapping)})
    return mapping


def column_mapping(department: Department) -> dict[str, str]:
    stored = department.column_mapping
    return dict(stored.as_dict() if hasattr(stored, "as_dict") else stored or {})

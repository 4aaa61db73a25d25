"""Departments and API keys (department and operator keys, stored only as hashes).

``set_key`` is the conditional transition of a department's key: it succeeds only if the key it
replaces is still the current one, so that two rotations at once cannot both win.
"""

from __future__ import annotations

from typing import Any, cast

from chalicelib.domain.stored import StoredApiKey, StoredDepartment
from chalicelib.store.base import own, plain
from chalicelib.store.models import ApiKey, Department
from chalicelib.store.writes import applied


def get(code: str) -> StoredDepartment | None:
    try:
        return cast(StoredDepartment, Department.get(code))
    except Department.DoesNotExist:
        return None


def all_departments() -> list[StoredDepartment]:
    """The departments table is small (≤ 101 items): a Scan of it is the intended read."""
    return sorted(cast(list[StoredDepartment], list(Department.scan())), key=lambda d: d.code)


def unsaved(code: str, **attributes: Any) -> StoredDepartment:
    """A department as the store keeps it, never written (``local.samples`` renders from it)."""
    return cast(StoredDepartment, Department(code, **attributes))


def with_contacts(
    code: str, *, name: str, contact_email: str, contact_phone: str | None, timezone: str, at: str
) -> StoredDepartment:
    """The department ``code`` as read (a new one: with ``timezone``, created ``at``) taking this
    name and these contacts (a phone not given keeps the one it had), not yet written: ``set_key``
    writes it with its new key."""
    found = get(code)
    if found is None:
        department = Department(code, timezone=timezone, created_at=at)
    else:
        department = own(found, Department)
    department.name, department.contact_email = name, contact_email
    department.contact_phone = contact_phone or department.contact_phone
    return cast(StoredDepartment, department)


def set_key(department: StoredDepartment, new_hash: str, *, replacing: str | None) -> bool:
    """Make ``new_hash`` the department's key if ``replacing`` is still its key (or if it had
    none), writing the department as it is (``with_contacts``); False when another rotation won."""
    item = own(department, Department)
    condition = (
        Department.key_hash.does_not_exist()
        if replacing is None
        else Department.key_hash == replacing
    )
    item.key_hash = new_hash
    return applied(lambda: item.save(condition=condition))


def set_column_mapping(code: str, mapping: dict[str, str]) -> bool:
    return applied(
        lambda: Department(code).update(
            actions=[
                Department.column_mapping.set(mapping)
                if mapping
                else Department.column_mapping.remove()
            ],
            condition=Department.code.exists(),
        )
    )


def column_mapping(department: StoredDepartment) -> dict[str, str]:
    return dict(plain(department.column_mapping) or {})


SETTINGS = (
    "ml_lead_days",
    "hj_lead_days",
    "relance_jours",
    "escalade_jours",
    "ack_ttl_days",
    "retention_months",
)


def change_settings(
    code: str, *, contact_email: str, contact_phone: str | None, numbers: dict[str, int]
) -> bool:
    """The department's contacts and delays, as its console's settings page saves them."""
    actions = [
        Department.contact_email.set(contact_email),
        Department.contact_phone.set(contact_phone)
        if contact_phone
        else Department.contact_phone.remove(),
        *(
            getattr(Department, name).set(value)
            for name, value in numbers.items()
            if name in SETTINGS
        ),
    ]
    return applied(
        lambda: Department(code).update(actions=actions, condition=Department.code.exists())
    )


def remove(code: str) -> bool:
    return applied(lambda: Department(code).delete(condition=Department.code.exists()))


# --- keys ----------------------------------------------------------------------------------------
def store_key(
    digest: str, *, scope: str, department: str | None, name: str | None, at: str
) -> None:
    ApiKey(digest, scope=scope, department=department, name=name, created_at=at).save()


def find_key(digest: str) -> StoredApiKey | None:
    try:
        return cast(StoredApiKey, ApiKey.get(digest))
    except ApiKey.DoesNotExist:
        return None


def revoke(digest: str) -> None:
    ApiKey(digest).delete()


def keys_of(
    *, scope: str, department: str | None = None, name: str | None = None
) -> list[StoredApiKey]:
    """Every key of a department (or every operator key of that name). The keys table is small
    (one item per department and operator): a Scan is the intended read."""
    condition = ApiKey.scope == scope
    if department is not None:
        condition &= ApiKey.department == department
    if name is not None:
        condition &= ApiKey.name == name
    return cast(list[StoredApiKey], list(ApiKey.scan(filter_condition=condition)))

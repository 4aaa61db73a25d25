"""Departments and API keys (department and operator keys, stored only as hashes).

``set_key`` is the conditional transition of a department's key: it succeeds only if the key it
replaces is still the current one, so that two rotations at once cannot both win.
"""

from __future__ import annotations

from chalicelib.store.base import plain
from chalicelib.store.models import ApiKey, Department
from chalicelib.store.writes import applied

__all__ = ["ApiKey", "Department"]


def get(code: str) -> Department | None:
    try:
        return Department.get(code)
    except Department.DoesNotExist:
        return None


def all_departments() -> list[Department]:
    """The departments table is small (≤ 101 items): a Scan of it is the intended read."""
    return sorted(Department.scan(), key=lambda d: d.code)


def save(department: Department) -> None:
    department.save()


def set_key(department: Department, new_hash: str, *, replacing: str | None) -> bool:
    """Make ``new_hash`` the department's key if ``replacing`` is still its key (or if it had
    none); False when another rotation won."""
    condition = (
        Department.key_hash.does_not_exist()
        if replacing is None
        else Department.key_hash == replacing
    )
    department.key_hash = new_hash
    return applied(lambda: department.save(condition=condition))


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


def column_mapping(department: Department) -> dict[str, str]:
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


def find_key(digest: str) -> ApiKey | None:
    try:
        return ApiKey.get(digest)
    except ApiKey.DoesNotExist:
        return None


def revoke(digest: str) -> None:
    ApiKey(digest).delete()


def keys_of(*, scope: str, department: str | None = None, name: str | None = None) -> list[ApiKey]:
    """Every key of a department (or every operator key of that name). The keys table is small
    (one item per department and operator): a Scan is the intended read."""
    condition = ApiKey.scope == scope
    if department is not None:
        condition &= ApiKey.department == department
    if name is not None:
        condition &= ApiKey.name == name
    return list(ApiKey.scan(filter_condition=condition))

"""PynamoDB plumbing shared by every model: table names and endpoint resolved from the settings.

``TableMeta`` reads the table name, region and endpoint each time PynamoDB asks for them, so the
stage config (or a test's environment) decides, never an import-time constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pynamodb.attributes import ListAttribute, MapAttribute
from pynamodb.models import Model

from chalicelib import settings
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.history import StatusChange


class _SettingsBound(type):
    suffix: str

    @property
    def table_name(cls) -> str:
        return settings.current().table(cls.suffix)

    @property
    def region(cls) -> str:
        return settings.current().region

    @property
    def host(cls) -> str | None:
        return settings.current().endpoint_url


def table_meta(suffix: str) -> Any:
    """A PynamoDB ``Meta`` class for the table ``{prefix}-{suffix}``."""
    return _SettingsBound(
        "Meta",
        (),
        {
            "suffix": suffix,
            "billing_mode": "PAY_PER_REQUEST",
            "max_retry_attempts": 5,
            "connect_timeout_seconds": 5,
            "read_timeout_seconds": 15,
        },
    )


ModelT = TypeVar("ModelT", bound=Model)


def own(view: object, model: type[ModelT]) -> ModelT:
    """The item behind a view the store handed out (``domain.stored``), for a store function to
    write: the rest of the code only ever holds the store's own items, read-only."""
    if not isinstance(view, model):
        raise TypeError(f"{type(view).__name__} is not a stored {model.__name__}")
    return view


def history_entry(status: str, at: datetime, note: str | None = None) -> dict[str, str]:
    """One line of a referral's or a message's history: what it became, when, and why."""
    return StatusChange(iso(at), str(status), note).to_item()


def live(item: Any, now: datetime | None = None) -> bool:
    """DynamoDB deletes expired items lazily (and moto never does): every read filters ``item``
    (any model with an ``expires_at`` TTL attribute) with this."""
    return not is_expired(item.expires_at, now)


def live_page(results: Any, size: int, now: datetime) -> tuple[list[Any], dict[str, Any] | None]:
    """Up to ``size`` live items of a PynamoDB result iterator and the key to resume after the last
    one read (None: nothing more)."""
    found: list[Any] = []
    for item in results:
        if not live(item, now):
            continue
        found.append(item)
        if len(found) == size:
            return found, results.last_evaluated_key
    return found, None


def is_expired(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """DynamoDB deletes expired items lazily (and moto never does): reads must ignore them."""
    return expires_at is not None and expires_at <= (now or utcnow())


def plain(value: Any) -> Any:
    """PynamoDB map and list values as plain dicts and lists (recursively); enums as their
    strings."""
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


class PlainMapAttribute(MapAttribute[str, Any]):
    """A free-form map (PynamoDB's "raw" map) that accepts our enums: PynamoDB serializes raw
    values by their exact type, so a ``StrEnum`` is written as its string."""

    @classmethod
    def is_raw(cls) -> bool:
        return True

    def serialize(self, values: Any, *, null_check: bool = True) -> Any:
        return super().serialize(plain(values), null_check=null_check)


class PlainListAttribute(ListAttribute[Any]):
    """A free-form list (of maps, strings…) that accepts our enums, like ``PlainMapAttribute``."""

    def serialize(self, values: Any, *, null_check: bool = True) -> Any:
        return super().serialize(plain(values), null_check=null_check)

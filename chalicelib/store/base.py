"""PynamoDB plumbing shared by every model: table names and endpoint resolved from the settings.

``TableMeta`` reads the table name, region and endpoint each time PynamoDB asks for them, so the
stage config (or a test's environment) decides, never an import-time constant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from chalicelib import settings


class _SettingsBound(type):
    @property
    def table_name(cls) -> str:
        return settings.current().table(cls.suffix)

    @property
    def region(cls) -> str:
        return settings.current().region

    @property
    def host(cls) -> str | None:
        return settings.current().endpoint_url


def table_meta(suffix: str) -> type:
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


# ``jobs run --now`` (and the tests) stand in for the clock of everything a run does, the work
# items its fan-out enqueued included (their workers read the time, as on AWS).
_STAND_IN: ContextVar[datetime | None] = ContextVar("stand_in_now", default=None)


def utcnow() -> datetime:
    return _STAND_IN.get() or datetime.now(UTC)


@contextmanager
def clock_stands_at(now: datetime) -> Iterator[None]:
    """Within the block (this thread or task), ``utcnow()`` is ``now``."""
    token = _STAND_IN.set(now)
    try:
        yield
    finally:
        _STAND_IN.reset(token)


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with seconds, sortable as a string (used as GSI range keys)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError("unreachable")


def expiry_epoch(day: date) -> datetime:
    """TTL moment: the start of ``day`` in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def is_expired(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """DynamoDB deletes expired items lazily (and moto never does): reads must ignore them."""
    return expires_at is not None and expires_at <= (now or utcnow())


def reset_connections() -> None:
    """Forget every model's cached PynamoDB connection, so that the next call follows the current
    ``AWS_ENDPOINT_URL`` (PynamoDB caches one connection per model while its table name holds)."""
    from chalicelib.store.models import ALL_MODELS

    for model in ALL_MODELS:
        model._connection = None

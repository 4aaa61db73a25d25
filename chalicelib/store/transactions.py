"""DynamoDB transactions through PynamoDB, on the configured endpoint."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import settings

__all__ = ["TransactWriteError", "conditions_failed", "transaction"]


_connections: dict[tuple[str, str | None], Connection] = {}
_lock = threading.Lock()


def _connection() -> Connection:
    """One connection per (region, endpoint), reused: a new one would build a new botocore client
    (~0.1 s of service-model loading) for every transaction."""
    current = settings.current()
    key = (current.region, current.endpoint_url)
    found = _connections.get(key)
    if found is None:
        with _lock:
            found = _connections.setdefault(
                key,
                Connection(region=current.region, host=current.endpoint_url, max_retry_attempts=5),
            )
    return found


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    with TransactWrite(connection=_connection()) as write:
        yield write


def conditions_failed(error: TransactWriteError) -> bool:
    """True when the transaction was cancelled by a condition (the expected 'already done')."""
    reasons = [r for r in (error.cancellation_reasons or []) if r is not None]
    return bool(reasons) and all(r.code == "ConditionalCheckFailed" for r in reasons)

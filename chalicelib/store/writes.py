"""Writes through PynamoDB on the configured endpoint: transactions, and the one rule for
conditional writes — a failed condition means someone else already did it (a twin run, a partner,
a later roster), which is an outcome, never an error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib import settings

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


def is_condition_failure(error: Exception) -> bool:
    """True when DynamoDB refused the write because of its condition (for a transaction: every
    cancellation reason is a condition)."""
    if isinstance(error, TransactWriteError):
        reasons = [r for r in (error.cancellation_reasons or []) if r is not None]
        return bool(reasons) and all(r.code == "ConditionalCheckFailed" for r in reasons)
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def applied(write: Callable[[], object]) -> bool:
    """Run one conditional write (an update, a put, a delete or a transaction): True when it was
    applied, False when its condition failed because someone else did it first."""
    try:
        write()
    except (PutError, UpdateError, DeleteError, TransactWriteError) as error:
        if is_condition_failure(error):
            return False
        raise
    return True

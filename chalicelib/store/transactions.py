"""DynamoDB transactions through PynamoDB, on the configured endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import settings

__all__ = ["TransactWriteError", "conditions_failed", "transaction"]


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    current = settings.current()
    connection = Connection(region=current.region, host=current.endpoint_url, max_retry_attempts=5)
    with TransactWrite(connection=connection) as write:
        yield write


def conditions_failed(error: TransactWriteError) -> bool:
    """True when the transaction was cancelled by a condition (the expected 'already done')."""
    reasons = [r for r in (error.cancellation_reasons or []) if r is not None]
    return bool(reasons) and all(r.code == "ConditionalCheckFailed" for r in reasons)

"""How a job goes through its items: one item's failure (an outage, a bug) never stops the others;
it is logged without personal data and counted (``error``), and the worker reports its work item
failed (``fanout.worker``) so that SQS gives it again. Items are left due: the retry takes them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from chalicelib.observability import logger


class JobItemsError(Exception):
    """Some items of a job could not be processed in this run (the next run retries them)."""


@contextmanager
def isolated(totals: Counter, failure: str, **ids: str) -> Iterator[None]:
    """Run one item; on failure count it in ``totals["error"]`` and log ``failure`` with ``ids``."""
    try:
        yield
    except Exception as error:
        totals["error"] += 1
        logger.error(failure, extra={**ids, "error": type(error).__name__})

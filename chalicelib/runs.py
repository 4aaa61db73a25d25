"""How a job goes through its items: one item's failure (an outage, a bug) never stops the others;
it is logged without personal data and counted, and the job raises at the end so that the Lambda
run shows as failed. Items are left due, so the next run takes them again."""

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


def finish(totals: Counter, done: str, error: type[JobItemsError]) -> dict:
    """Log the job's totals; raise ``error`` if any item failed."""
    logger.info(done, extra={"totals": dict(totals)})
    if totals["error"]:
        raise error(f"{totals['error']} item(s) not processed; the next run retries")
    return dict(totals)

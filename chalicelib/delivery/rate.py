"""The account's sending rate (SPEC §10): sends are spread to stay under it.

SES gives its rate (``GetSendQuota``: ``MaxSendRate`` messages a second, 14 at the production
start, more on request); SNS has no API for the SMS per-account rate, so it is configuration
(``RELAIS_SMS_PER_SECOND``, AWS's default 20). ``RELAIS_SEND_RATE`` caps the email rate below
the account's (an operator's choice, or the embedded endpoint, whose fake account says 1/s).
At most ``work.SEND_WORKERS`` send workers run at once (app.py), so each takes its share. A
throttled send still happens (the rate moved, another sender used it): the pacer steps back.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws, settings
from chalicelib.domain.enums import Channel
from chalicelib.fanout import SEND_WORKERS
from chalicelib.observability import logger

QUOTA_SECONDS = 300.0  # re-read the quota every 5 minutes (a raised quota applies soon)
FALLBACK_EMAIL_RATE = 1.0  # SES sandbox rate, when the quota cannot be read
DEFAULT_SMS_RATE = 20.0
INVOCATION_SECONDS = 240  # sending time one invocation may spend (function timeout: 300 s)
MAX_BATCH = 1_500  # messages per invocation: 2 DynamoDB requests each, under 5,000
THROTTLE_PAUSE = 1.0  # seconds the pacer steps back after a throttled send


class Pacer:
    """Spaces calls ``1 / per_second`` apart (thread-safe); ``clock``/``sleep`` for tests."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + 1.0 / self.per_second
        if slot > now:
            self._sleep(slot - now)

    def step_back(self, seconds: float = THROTTLE_PAUSE) -> None:
        with self._lock:
            self._next = max(self._next, self._clock()) + seconds


class _Rates(threading.local):
    """The pacers of this container, rebuilt when the quota is re-read.

    One per thread: a Lambda container runs one invocation at a time, so on AWS that is one per
    container. ``make run`` runs its ``SEND_WORKERS`` send workers as threads of one process:
    each is a container of its own with its own share, as on AWS. Shared, the two local workers
    sent at half the account's rate."""

    def __init__(self) -> None:
        self.read_at = -QUOTA_SECONDS
        self.pacers: dict[str, Pacer] = {}
        self.lock = threading.Lock()

    def pacer(self, channel: str) -> Pacer:
        with self.lock:
            if time.monotonic() - self.read_at >= QUOTA_SECONDS:
                email, sms = email_rate(), sms_rate()
                self.pacers = {
                    Channel.EMAIL: Pacer(email / SEND_WORKERS),
                    Channel.SMS: Pacer(sms / SEND_WORKERS),
                }
                self.read_at = time.monotonic()
            return self.pacers[channel]


_RATES = _Rates()


def email_rate() -> float:
    """Emails a second this account may send: SES ``MaxSendRate``, capped by ``RELAIS_SEND_RATE``
    (on the embedded endpoint, replaced by it: the fake account's 1/s says nothing)."""
    cap = os.environ.get("RELAIS_SEND_RATE")
    if cap and settings.current().is_local:
        return float(cap)
    try:
        quota = float(aws.client("ses").get_send_quota()["MaxSendRate"])
    except (ClientError, BotoCoreError, KeyError) as error:
        logger.warning("SES quota unreadable", extra={"error": type(error).__name__})
        quota = FALLBACK_EMAIL_RATE
    return min(quota, float(cap)) if cap else quota


def sms_rate() -> float:
    return float(os.environ.get("RELAIS_SMS_PER_SECOND") or DEFAULT_SMS_RATE)


def wait_turn(channel: str) -> None:
    """Wait for this worker's next send slot on ``channel`` (``email`` or ``sms``)."""
    _RATES.pacer(channel).wait_turn()


def throttled(channel: str = Channel.EMAIL) -> None:
    _RATES.pacer(channel).step_back()


def batch_size() -> int:
    """Messages one send invocation takes: what its share of the email rate sends in
    ``INVOCATION_SECONDS``, at least 10, at most ``MAX_BATCH``."""
    share = _RATES.pacer(Channel.EMAIL).per_second
    return max(10, min(MAX_BATCH, int(share * INVOCATION_SECONDS)))

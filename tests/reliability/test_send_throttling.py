"""Throttling is the account's rate, not a failed attempt (SPEC §10): while half the sends are
answered ``Throttling`` (and a burst of them in a row, past botocore's own retries), every message
still goes out exactly once, none ends ``failed``, and none spends an attempt on it."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import jobs, tokens
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.roster import service as roster
from chalicelib.store.models import Message, Referral
from chalicelib.store.tables import reset_connections
from tests.support import integration as s
from tests.support.fault_proxy import Fault, FaultProxy

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # Monday 10:00 in Paris
TODAY = clock.local_today("59", NOW)
YOUTHS = 30
SENDS = frozenset({"ses:SendRawEmail", "sns:Publish"})
BURST = 6  # botocore's attempts for one call (1 + 5 retries): the first send is throttled past them


def _use_endpoint(url: str) -> None:
    os.environ["AWS_ENDPOINT_URL"] = url
    reset_connections()


@pytest.fixture
def throttling(aws) -> Iterator[FaultProxy]:
    """Half the SES and SNS sends answered ``Throttling``; nothing else ever fails."""
    with FaultProxy(aws.url, rate=0.5, throttle_share=1.0, only=SENDS) as proxy:
        _use_endpoint(proxy.url)
        try:
            yield proxy
        finally:
            _use_endpoint(aws.url)


def _due_youths() -> None:
    for name, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(name, body, actor="test")
    s.department_key("59")
    rows = [
        s.youth(f"T{n:03d}", s.birth_for(TODAY, years=17, days=10 - n), commune="59350")
        for n in range(YOUTHS)
    ]
    roster.upload_any_size("59", s.roster_csv(rows), actor="test", now=NOW)


def test_half_the_sends_throttled_for_a_while_go_out_once_and_none_fails(throttling):
    # Given 30 youths due today, and a burst of throttling on the first send
    _due_youths()
    throttling.script("ses:SendRawEmail", Fault(400, "Throttling", True), times=BURST)
    # When the jobs run for 10 minutes while half the sends are throttled, then the rate is back
    for minute in range(0, 10, 2):
        jobs.run_all(NOW + timedelta(minutes=minute))
    throttled = throttling.tally.summary()["throttles"]
    throttling.rate = 0.0
    for minute in range(10, 20, 2):
        jobs.dispatch_messages(NOW + timedelta(minutes=minute))

    # Then the proxy did throttle, and a throttled send came back to the queue (last_error)
    assert throttled >= BURST + 5
    messages = list(Message.scan())
    assert any(m.last_error == "Throttling" for m in messages)
    # And every message is sent, none failed, none spent an attempt on throttling
    assert Counter(m.status for m in messages) == {"sent": len(messages)}
    assert {m.message_id: m.attempts for m in messages if m.attempts != 1} == {}
    assert {r.status for r in Referral.scan()} == {"sent"}
    # And each referral's link went out in exactly one email
    links = Counter(message["ack_url"] for message in s.sent() if message["ack_url"])
    wanted = {tokens.ack_url(r.referral_id) for r in Referral.scan()}
    assert len(wanted) == YOUTHS
    assert {link: links[link] for link in wanted if links[link] != 1} == {}

"""Exactly one referral and one message per due youth, whatever fails and however runs overlap
(SPEC §6, §10).

The scenario: 1,000 due youths; three ``jobs.run_all`` at once while 20 % of AWS calls fail (HTTP
500/503 or throttling, never applied); then, faults off, jobs until nothing is left to do. Every
youth must have exactly one referral and exactly one email carrying its link; nobody lost; the
attempts per message stay within ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import jobs, tokens
from chalicelib.delivery import dispatch
from chalicelib.delivery.outcomes import MAX_ATTEMPTS
from chalicelib.directory import service as directory
from chalicelib.domain import clock, ids
from chalicelib.domain.clock import iso
from chalicelib.provisioning import provision
from chalicelib.roster import service as roster
from chalicelib.store import messages as message_store
from chalicelib.store.models import Message, Referral, Youth
from chalicelib.store.tables import reset_connections
from tests.support import integration as s
from tests.support.fault_proxy import FaultProxy
from tests.support.server import separate_endpoint

YOUTHS = int(os.environ.get("RELAIS_RELIABILITY_YOUTHS", "1000"))
CONCURRENT_RUNS = 3
FAULT_RATE = 0.2
NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # Monday 10:00 in Paris
TODAY = clock.local_today("59", NOW)
QUIET_ROUNDS = 10
ROUND_STEP = timedelta(minutes=30)  # > CLAIM_TIMEOUT; after 2 rounds every backoff has elapsed
PARTNER_OF = {"59350": "ML59A", "59512": "ML59B"}


def _use_endpoint(url: str) -> None:
    os.environ["AWS_ENDPOINT_URL"] = url
    reset_connections()


@pytest.fixture
def endpoint() -> Iterator[str]:
    """A provisioned endpoint of its own (separate process), the session's restored afterwards."""
    before = os.environ["AWS_ENDPOINT_URL"]
    with separate_endpoint() as url:
        _use_endpoint(url)
        tokens.forget_key()
        provision()
        try:
            yield url
        finally:
            _use_endpoint(before)
            tokens.forget_key()


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(endpoint, rate=0.0, seed=20201117) as running:
        yield running


def due_roster(count: int) -> tuple[bytes, dict[str, str]]:
    """``count`` youths all due today: 17 within the ML lead, or past it (catch-up up to 20)."""
    rows, expected = [], {}
    for number in range(count):
        id_externe = f"R{number:05d}"
        commune = "59350" if number % 2 else "59512"
        days_to_17 = 25 - (number * 7) % 1100  # from +25 days down to about 3 years past 17
        birth = s.birth_for(TODAY, years=17, days=days_to_17)
        rows.append(s.youth(id_externe, birth, commune=commune))
        partner = PARTNER_OF[commune]
        expected[id_externe] = ids.referral_id("59", id_externe, "mission_locale", partner)
    return s.roster_csv(rows), expected


def _concurrently(now: datetime, runs: int) -> list[str]:
    failures: list[str] = []

    def one_run() -> None:
        try:
            jobs.run_all(now)
        except Exception as error:  # a run that fails is a Lambda that failed: the next retries
            failures.append(type(error).__name__)

    threads = [threading.Thread(target=one_run, name=f"jobs-{n}") for n in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _until_quiet(start: datetime) -> int:
    for round_number in range(1, QUIET_ROUNDS + 1):
        summary = jobs.run_all(start + round_number * ROUND_STEP)
        if not (summary["scan"] or summary["dispatch"] or summary["dispatch_after_followups"]):
            return round_number
    raise AssertionError(f"still busy after {QUIET_ROUNDS} rounds")


@pytest.mark.slow
def test_concurrent_runs_under_injected_faults_send_exactly_one_referral_per_due_youth(proxy):
    # Given the directory, a department and 1,000 youths due today
    for name, body in (
        ("missions-locales", s.ML_CSV),
        ("coverage", s.COVERAGE_CSV),
        ("habitat-jeunes", s.HJ_CSV),
    ):
        directory.load(name, body, actor="test")
    s.department_key("59")
    data, expected = due_roster(YOUTHS)
    report = roster.upload_any_size("59", data, actor="test", now=NOW)
    assert report["created"] == YOUTHS
    # When three runs overlap while 20 % of AWS calls fail
    _use_endpoint(proxy.url)
    proxy.rate = FAULT_RATE
    started = time.monotonic()
    failed_runs = _concurrently(NOW, CONCURRENT_RUNS)
    faulty_seconds = time.monotonic() - started
    faults = proxy.tally.summary()
    # And then, faults off, jobs run until nothing is left to do
    proxy.rate = 0.0
    rounds = _until_quiet(NOW)

    # Then every due youth's link went out in exactly one email, and nothing else was sent
    links = Counter(message["ack_url"] for message in s.sent())
    wanted = {tokens.ack_url(referral): id_externe for id_externe, referral in expected.items()}
    assert {wanted[link]: links[link] for link in wanted if links[link] != 1} == {}
    assert sum(links.values()) == YOUTHS
    # And exactly one referral exists per youth, each sent
    referrals = list(Referral.scan())
    per_youth = Counter((r.department, r.id_externe, r.kind) for r in referrals)
    assert len(referrals) == YOUTHS and set(per_youth.values()) == {1}
    assert {r.referral_id for r in referrals} == set(expected.values())
    assert {r.status for r in referrals} == {"sent"}
    # And every message was sent, within the bound of attempts; no youth is still due
    messages = list(Message.scan())
    attempts = Counter(int(m.attempts or 0) for m in messages)
    assert {m.status for m in messages} == {"sent"}
    assert max(attempts) <= MAX_ATTEMPTS
    assert not [y for y in Youth.scan() if y.due_at]
    # And the fault injection really bit
    assert faults["failures"] >= 0.15 * faults["calls"] > 0
    print(
        "reliability:",
        {
            "youths": YOUTHS,
            "aws_calls_under_faults": faults["calls"],
            "injected_failures": faults["failures"],
            "throttling_failures": faults["throttles"],
            "failed_runs": Counter(failed_runs),
            "faulty_phase_seconds": round(faulty_seconds, 1),
            "quiet_after_rounds": rounds,
            "attempts_histogram": dict(sorted(attempts.items())),
            "total_attempts": sum(k * v for k, v in attempts.items()),
        },
    )


# --- the claim protocol --------------------------------------------------------------------------
CLAIMED_AT = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def one_pending_referral(client) -> Message:
    s.load_directory(client, s.operator_key())
    s.department_key("59")
    birth = s.birth_for(date(2031, 3, 3), years=17, days=5)
    data = s.roster_csv([s.youth("CLAIM1", birth)])
    roster.upload_any_size("59", data, actor="test", now=CLAIMED_AT)
    jobs.daily_scan(CLAIMED_AT)
    (message,) = list(Message.scan())
    assert message.status == "pending"
    return message


def _claimed_by_a_run_that_died(message: Message) -> None:
    """What a dispatcher leaves when it dies after its claim: ``sending``, its claim, its time."""
    assert message_store.claim(message, "deadrun", CLAIMED_AT)
    stored = Message.get(message.message_id)
    assert (stored.status, stored.claim_id, stored.claimed_at) == (
        "sending",
        "deadrun",
        iso(CLAIMED_AT),
    )


def test_a_fresh_claim_is_not_stolen_by_another_run(one_pending_referral):
    _claimed_by_a_run_that_died(one_pending_referral)
    # When another dispatch runs before the claim timeout
    summary = jobs.dispatch_messages(CLAIMED_AT + dispatch.CLAIM_TIMEOUT - timedelta(seconds=1))
    # Then it leaves the message to its claimant: nothing is sent (each send item of the run —
    # the scan's and the schedule's — finds it claimed)
    assert set(summary) == {"claimed_elsewhere"}
    assert s.sent() == []
    assert Message.get(one_pending_referral.message_id).claim_id == "deadrun"


def test_a_claim_older_than_the_timeout_is_taken_again_and_sent_once(one_pending_referral):
    _claimed_by_a_run_that_died(one_pending_referral)
    later = CLAIMED_AT + dispatch.CLAIM_TIMEOUT + timedelta(seconds=1)
    # When dispatch runs after the claim timeout, twice
    first = jobs.dispatch_messages(later)
    second = jobs.dispatch_messages(later + timedelta(minutes=5))
    # Then the message was taken again and sent exactly once
    assert first == {"sent": 1}
    assert second == {}
    assert len(s.sent()) == 1
    stored = Message.get(one_pending_referral.message_id)
    assert stored.status == "sent" and stored.claim_id != "deadrun"
    assert int(stored.attempts) == 2
    referral = Referral.get(stored.referral_id)
    assert referral.status == "sent"

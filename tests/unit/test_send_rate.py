"""Sends are spaced under the account's rate; a throttled send makes the pacer step back."""

from __future__ import annotations

import threading

import pytest

from chalicelib.delivery import rate
from chalicelib.fanout import SEND_WORKERS


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_calls_are_spaced_one_over_the_rate_apart():
    clock = FakeClock()
    pacer = rate.Pacer(4.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        pacer.wait_turn()
    assert clock.slept == pytest.approx([0.25] * 4)
    assert clock.now == pytest.approx(101.0)


def test_time_already_spent_elsewhere_is_not_waited_again():
    clock = FakeClock()
    pacer = rate.Pacer(2.0, clock=clock, sleep=clock.sleep)
    pacer.wait_turn()
    clock.now += 3.0  # rendering, DynamoDB...
    pacer.wait_turn()
    assert clock.slept == []


def test_a_throttled_send_pushes_the_next_slot_back():
    clock = FakeClock()
    pacer = rate.Pacer(10.0, clock=clock, sleep=clock.sleep)
    pacer.wait_turn()
    pacer.step_back(1.0)
    pacer.wait_turn()
    assert clock.slept == pytest.approx([1.1])


def test_one_invocation_takes_what_its_share_of_the_rate_sends_in_four_minutes(monkeypatch):
    monkeypatch.setenv("RELAIS_SEND_RATE", "14")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    rate._RATES.read_at = -rate.QUOTA_SECONDS  # re-read
    # 14/s shared by 2 workers: 7/s x 240 s = 1,680, capped to 1,500 (DynamoDB budget)
    assert rate.batch_size() == rate.MAX_BATCH == 1_500
    monkeypatch.setenv("RELAIS_SEND_RATE", "1")
    rate._RATES.read_at = -rate.QUOTA_SECONDS
    assert rate.batch_size() == 120  # the SES sandbox: 0.5/s x 240 s
    rate._RATES.read_at = -rate.QUOTA_SECONDS


def test_the_email_rate_is_the_accounts_ses_quota(aws, monkeypatch):
    monkeypatch.delenv("RELAIS_SEND_RATE")
    assert rate.email_rate() == 1.0  # moto's account: MaxSendRate 1
    monkeypatch.setenv("RELAIS_SMS_PER_SECOND", "5")
    assert rate.sms_rate() == 5.0


def test_each_send_worker_thread_paces_its_own_share_as_a_lambda_container_does(monkeypatch):
    monkeypatch.setenv("RELAIS_SEND_RATE", "14")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    rate._RATES.read_at = -rate.QUOTA_SECONDS
    shares: list[tuple[int, float]] = []

    def worker() -> None:
        pacer = rate._RATES.pacer("email")
        shares.append((id(pacer), pacer.per_second))

    threads = [threading.Thread(target=worker) for _ in range(SEND_WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({pacer for pacer, _ in shares}) == SEND_WORKERS  # not one pacer for both
    assert sum(per_second for _, per_second in shares) == pytest.approx(14.0)
    rate._RATES.read_at = -rate.QUOTA_SECONDS

"""The department phase measures ``make run`` as a newcomer runs it: sends paced at make run's rate,
whatever pacing an earlier phase of the bench used."""

from __future__ import annotations

from bench.department_phase import child_environment


def test_the_department_child_paces_at_make_runs_rate_not_at_an_earlier_phases(monkeypatch):
    monkeypatch.setenv("RELAIS_SEND_RATE", "1000")  # the national phase counts, never waits
    monkeypatch.setenv("RELAIS_STAGE", "dev")
    environment = child_environment()
    assert "RELAIS_SEND_RATE" not in environment
    assert environment["RELAIS_STAGE"] == "dev"

"""The scheduled jobs with all 101 departments registered and nothing to do: what every
invocation costs even when idle (dispatch runs every 5 minutes, follow-ups every hour)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from bench.meter import AwsMeter
from bench.output import counted
from bench.world import World, add_departments

DEPARTMENTS = [
    *(f"{n:02d}" for n in range(1, 96) if n != 20),
    "2A",
    "2B",
    "971",
    "972",
    "973",
    "974",
    "976",
]


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    from chalicelib import jobs

    world.reset()
    add_departments(DEPARTMENTS, {})
    results: dict[str, Any] = {"departments": len(DEPARTMENTS)}
    for name, job in (
        ("daily_scan", jobs.daily_scan),
        ("dispatch", jobs.dispatch_messages),
        ("followups", jobs.follow_up),
        ("weekly_digest", jobs.weekly_digest),
    ):
        with counted():
            job(now)  # a first run pays this process's one-time costs (imports, clients)
        with counted() as printed, meter.measure() as reading:
            started = time.perf_counter()
            job(now)
            seconds = time.perf_counter() - started
        results[name] = {
            "dynamodb_requests": reading.requests("dynamodb"),
            "items_read": sum(reading.items_read.values()),
            "seconds": round(seconds, 3),
            "log_bytes": printed.bytes,
            "emf_blobs": printed.emf_blobs,
            "_reading": reading,
        }
    return results

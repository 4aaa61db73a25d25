"""``python -m bench`` (``make bench``): SPEC §10's budgets and the national cost model.

One process, its own embedded AWS endpoint. Prints a table and the JSON of every figure (also
written to artifacts/bench.json). Exits 0 even when a budget fails: it reports.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.world import World, bench_now, configure_environment, gsi_keys

ARTIFACT = Path(__file__).resolve().parent.parent / "artifacts" / "bench.json"


def public(value: Any) -> Any:
    """The results without the private ``_…`` entries (raw readings), ready for JSON."""
    if isinstance(value, dict):
        return {str(k): public(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [public(v) for v in value]
    return value


def progress(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def main() -> int:
    configure_environment()
    from bench import (
        coldstart,
        cost_inputs,
        cost_model,
        hostile_phase,
        idle_phase,
        memory_phase,
        national_phase,
        report,
        roster_phase,
        scan_phase,
    )
    from bench.meter import AwsMeter

    meter = AwsMeter(gsi_keys())
    meter.install()
    started = time.perf_counter()
    results: dict[str, Any] = {}
    progress("cold start (fresh interpreters)…")
    results["cold_start"] = coldstart.measure()
    world = World()
    world.start()
    try:
        now = bench_now()
        results["now"] = now.isoformat()
        phases = (("idle", idle_phase), ("scan", scan_phase), ("roster", roster_phase),
                  ("memory", memory_phase), ("files", hostile_phase),
                  ("national", national_phase))  # fmt: skip
        results["phase_seconds"] = timings = {}
        for name, phase in phases:
            progress(f"{name}…")
            phase_started = time.perf_counter()
            results[name] = phase.run(world, meter, now)
            timings[name] = round(time.perf_counter() - phase_started, 1)
    finally:
        world.stop()
        meter.uninstall()
    measured = cost_inputs.measured(
        meter.total, results["idle"], results["scan"], results["roster"]
    )
    scenario = cost_model.Scenario()
    prices = cost_model.load_prices()
    estimate = cost_model.estimate(scenario, measured, prices)
    results["cost_eur_without_sms"] = round(
        cost_model.total_without_sms(estimate) / prices["usd_per_eur"], 2
    )
    seconds = time.perf_counter() - started
    output = public(results) | {
        "budgets": [check.as_dict() for check in report.budgets(results)],
        "cost_model": {
            "currency": "USD",
            "scenario": vars(scenario),
            "measured": cost_inputs.describe(measured),
            "volumes_per_month": {k: round(v, 1) for k, v in estimate.volumes.items()},
            "lines": [vars(line) for line in estimate.lines],
            "total_per_month": round(estimate.total, 2),
            "total_without_sms_eur": results["cost_eur_without_sms"],
        },
        "wall_seconds": round(seconds, 1),
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(output, indent=2, default=str), encoding="utf-8")
    print(report.render(results, estimate, seconds))
    print(json.dumps(output, indent=1, default=str))
    print(f"\n(also written to {ARTIFACT.relative_to(ARTIFACT.parent.parent)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

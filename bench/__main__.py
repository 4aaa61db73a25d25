"""``python -m bench`` (``make bench``): SPEC §10's budgets and the national cost model.

One process, its own embedded AWS endpoint. Prints a table and the JSON of every figure (also
written to artifacts/bench.json). Exits 0 even when a budget fails: it reports.
``python -m bench --only files --file xlsx_100k_valid_rows`` measures only what is named (see
``--help``).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from bench.world import World, bench_now, configure_environment, gsi_keys

ARTIFACT = Path(__file__).resolve().parent.parent / "artifacts" / "bench.json"
PHASES = (
    "cold_start",
    "package",
    "idle",
    "scan",
    "roster",
    "memory",
    "files",
    "national",
    "department",
)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="SPEC §10's budgets and the national cost model."
    )
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        metavar="PHASE[,PHASE…]",
        help=f"run only these phases ({', '.join(PHASES)}) and print their figures and file "
        "budgets, without the budget table and the cost model (which need every phase); "
        "artifacts/bench.json is left as it is",
    )
    parser.add_argument(
        "--file",
        action="append",
        metavar="NAME",
        help="files phase: build and measure only this file (repeatable), e.g. "
        "xlsx_100k_valid_rows, csv_100k_valid_rows",
    )
    parsed = parser.parse_args(argv)
    unknown = sorted(set(parsed.only or ()) - set(PHASES))
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(unknown)}")
    return parsed


def public(value: Any) -> Any:
    """The results without the private ``_…`` entries (raw readings), ready for JSON."""
    if isinstance(value, dict):
        return {str(k): public(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [public(v) for v in value]
    return value


def progress(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def measure(selected: Collection[str], files: list[str] | None) -> tuple[dict[str, Any], Any]:
    """The figures of the ``selected`` phases (``files``: only those files of the files phase),
    and the meter of every AWS request they made."""
    from bench import (
        coldstart,
        department_phase,
        hostile_phase,
        idle_phase,
        memory_phase,
        national_phase,
        package_phase,
        roster_phase,
        scan_phase,
    )
    from bench.meter import AwsMeter

    meter = AwsMeter(gsi_keys())
    meter.install()
    results: dict[str, Any] = {}
    if "cold_start" in selected:
        progress("cold start (fresh interpreters)…")
        results["cold_start"] = coldstart.measure()
    if "package" in selected:
        progress("package (make package's zip) and each Lambda's cold import…")
        results["package"] = package_phase.measure()
    world = World()
    world.start()
    try:
        now = bench_now()
        results["now"] = now.isoformat()
        phases = (("idle", idle_phase.run), ("scan", scan_phase.run), ("roster", roster_phase.run),
                  ("memory", memory_phase.run),
                  ("files", functools.partial(hostile_phase.run, only=files)),
                  ("national", national_phase.run),
                  ("department", department_phase.run))  # fmt: skip
        results["phase_seconds"] = timings = {}
        for name, run in phases:
            if name not in selected:
                continue
            progress(f"{name}…")
            phase_started = time.perf_counter()
            results[name] = run(world, meter, now)
            timings[name] = round(time.perf_counter() - phase_started, 1)
    finally:
        world.stop()
        meter.uninstall()
    return results, meter


def main(argv: list[str] | None = None) -> int:
    options = arguments(sys.argv[1:] if argv is None else argv)
    configure_environment()
    from bench import cost_inputs, cost_model, report

    started = time.perf_counter()
    results, meter = measure(options.only or PHASES, options.file)
    if options.only:
        print(json.dumps(public(results), indent=1, default=str))
        checks = report.file_budgets(results.get("files", {}))
        if "package" in results:
            checks += report.package_budgets(results["package"]["package"])
            checks += report.lambda_budgets(results["package"]["lambdas"])
        checks += report.department_budgets(results.get("department", {}))
        for check in checks:
            print(json.dumps(check.as_dict(), ensure_ascii=False))
        return 0
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

"""Each Lambda's cold start, lean package against the pre-lean one, in the same run.

A sample is a fresh interpreter (``python -S``: nothing but the package and the runtime's boto3 on
``sys.path``, as on Lambda) timing ``import app`` and then what the Lambda's first call imports
(bench/lambda_list.py). Lambdas whose first call imports the same modules are timed once. Rounds
interleave every group in both packages and the bare Chalice + boto3 app, alternating the order,
so that the machine's load hits them alike; each figure is the median of the rounds, and the
budget compares ratios to the bare app's median: lean ≤ pre-lean × (1 + TOLERANCE).

Bytecode is compiled once beforehand into a temporary cache (compiling is a packaging matter).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import lambda_list
from bench.package_variants import PRE_LEAN_COMMIT, PRE_LEAN_PHONENUMBERS, Layout, prepare

# Medians of interleaved runs still move a few percent from run to run on a loaded machine;
# both packages import the same code, so a real regression shows well above this.
TOLERANCE = 0.10
VARIANTS = ("lean", "pre_lean")
TIMED = (
    "import importlib, sys, time\nstarted = time.perf_counter()\nimport app\n"
    "for name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    "print(time.perf_counter() - started)\n"
)
LISTER = Path(lambda_list.__file__).read_text(encoding="utf-8")


def _child(layout: Layout, variant: str, cache: Path, source: str, *args: str) -> str:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in layout.path(variant))
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-S", "-c", source, *args],
        cwd=layout.path(variant)[0],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"{variant} {args[:2]}: {done.stderr.strip()[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def first_calls(layout: Layout, cache: Path) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """The Lambdas (name, kind, group) and each group's first-call modules, read in the lean
    package by the lister child."""
    found = json.loads(_child(layout, "lean", cache, LISTER, "list"))
    groups: list[list[str]] = []
    closures: dict[tuple[str, ...], list[str]] = {}
    for entry in found:
        roots = tuple(entry.pop("roots"))
        if roots not in closures:
            closures[roots] = json.loads(_child(layout, "lean", cache, LISTER, "closure", *roots))
        modules = closures[roots]
        if modules not in groups:
            groups.append(modules)
        entry["group"] = groups.index(modules)
    return found, groups


def sample(layout: Layout, groups: list[list[str]], cache: Path, runs: int) -> dict[str, list]:
    """Seconds per run: ``bare`` and ``lean/N``, ``pre_lean/N`` for group N."""
    samples: dict[str, list[float]] = {"bare": []}
    for round_number in range(runs + 1):  # round 0 compiles and warms the file cache
        order = VARIANTS if round_number % 2 else VARIANTS[::-1]
        timings = {"bare": float(_child(layout, "bare", cache, TIMED))}
        for number, modules in enumerate(groups):
            for variant in order:
                timings[f"{variant}/{number}"] = float(
                    _child(layout, variant, cache, TIMED, *modules)
                )
        if round_number:
            for key, seconds in timings.items():
                samples.setdefault(key, []).append(seconds)
    return samples


def summary(
    lambdas: list[dict[str, Any]], groups: list[list[str]], samples: dict[str, list]
) -> dict[str, Any]:
    """Per Lambda: median ms in each package and its ratio to the bare app's median."""
    median_ms = {key: statistics.median(values) * 1000 for key, values in samples.items()}
    bare = median_ms["bare"]
    found = {}
    for entry in lambdas:
        group = entry["group"]
        lean, pre_lean = median_ms[f"lean/{group}"], median_ms[f"pre_lean/{group}"]
        found[entry["name"]] = {
            "kind": entry["kind"],
            "first_call_modules": len(groups[group]),
            "lean_ms": round(lean, 1),
            "pre_lean_ms": round(pre_lean, 1),
            "lean_ratio": round(lean / bare, 3),
            "pre_lean_ratio": round(pre_lean / bare, 3),
        }
    return {"bare_ms": round(bare, 1), "lambdas": found}


def measure(zip_path: Path, runs: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-lambdas-") as folder:
        layout = prepare(zip_path, Path(folder))
        cache = Path(folder) / "pycache"
        lambdas, groups = first_calls(layout, cache)
        result = summary(lambdas, groups, sample(layout, groups, cache, runs))
    return {
        "runs": runs,
        "tolerance": TOLERANCE,
        "pre_lean": f"commit {PRE_LEAN_COMMIT}: boto3 family vendored, {PRE_LEAN_PHONENUMBERS}",
        "native_from_this_machine": layout.native_from_this_machine,
        "first_call_modules": {str(n): modules for n, modules in enumerate(groups)},
        **result,
    }

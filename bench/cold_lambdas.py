"""Each Lambda's cold start, lean package against the pre-lean one, in the same run.

A sample is a fresh interpreter (``python -S``: nothing but the package and the runtime's boto3
on ``sys.path``, as on Lambda) taking the CPU time of ``import app`` and then of what the
Lambda's first call imports (bench/lambda_list.py). Lambdas whose first call imports the same
modules are timed once. Rounds interleave every group in both packages (one right after the
other, alternating which comes first) and the bare Chalice + boto3 app, so that the machine's
load hits them alike. Ratios are taken round by round, then their median: the budget is the lean
package's time over the pre-lean one's, ≤ 1 + TOLERANCE; the ratios to the bare app say how far
each Lambda is from an empty one.

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

# Both packages import the same code but phonenumbers: the ratio is 1 give or take the noise,
# which left 0.97-1.02 over two runs at a load of 5-7 on 2 cores; a regression worth the name
# (a module imported eagerly again: tens of ms) shows well above 5 %.
TOLERANCE = 0.05
VARIANTS = ("lean", "pre_lean")
# CPU seconds, not wall: the import is CPU work, and on a shared machine the wall time mostly
# measures the wait for a core (±30 % from run to run; CPU time, a few percent).
TIMED = (
    "import importlib, sys, time\nstarted = time.process_time()\nimport app\n"
    "for name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    "print(time.process_time() - started)\n"
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


def _median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """Median of the ratios of same-round samples: the load a round met cancels out."""
    return round(statistics.median(n / d for n, d in zip(numerators, denominators, strict=True)), 3)


def summary(
    lambdas: list[dict[str, Any]], groups: list[list[str]], samples: dict[str, list]
) -> dict[str, Any]:
    """Per Lambda: median ms in each package, the median ratio of each to the bare app, and of
    the lean package to the pre-lean one (the budget's figure), round by round."""
    bare = samples["bare"]
    found = {}
    for entry in lambdas:
        lean, pre_lean = samples[f"lean/{entry['group']}"], samples[f"pre_lean/{entry['group']}"]
        found[entry["name"]] = {
            "kind": entry["kind"],
            "first_call_modules": len(groups[entry["group"]]),
            "lean_cpu_ms": round(statistics.median(lean) * 1000, 1),
            "pre_lean_cpu_ms": round(statistics.median(pre_lean) * 1000, 1),
            "lean_ratio": _median_ratio(lean, bare),
            "pre_lean_ratio": _median_ratio(pre_lean, bare),
            "lean_over_pre_lean": _median_ratio(lean, pre_lean),
        }
    return {"bare_cpu_ms": round(statistics.median(bare) * 1000, 1), "lambdas": found}


def measure(zip_path: Path, runs: int = 9) -> dict[str, Any]:
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

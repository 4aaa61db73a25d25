"""Each Lambda's cold start from the lean package, against the pre-lean package's, same run.

A sample is a fresh interpreter (``python -S``: nothing but the package and the runtime's boto3
on ``sys.path``, as on Lambda) taking the CPU time of ``import app`` and then of what the
Lambda's first call imports (bench/lambda_list.py), read in each package's own code. Lambdas
whose first call imports the same modules are timed once. Each round times every group in the
lean package and in this code with the pre-lean libraries (one right after the other, alternating
which comes first), every group of the pre-lean package (commit f48cbb5's code and libraries,
bench/package_variants.py) and the bare Chalice + boto3 app. Ratios are taken round by round,
then their median: the budget is a Lambda's time over its pre-lean one's, ≤ 1 + TOLERANCE.

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

# Noise only. Over three runs at a load of 5 on 2 cores, the figure for the same code with the
# two sets of libraries (equal cost) stayed within 0.97-1.03, and each Lambda's against the
# pre-lean package within 0.94-1.06; 10 % keeps a false FAIL rare, and a module imported eagerly
# again (25 ms and more of a 250 ms first call) still fails.
TOLERANCE = 0.10
VARIANTS = ("lean", "vendored", "pre_lean")
# CPU seconds, not wall: the import is CPU work, and on a shared machine the wall time mostly
# measures the wait for a core (±30 % from run to run; CPU time, a few percent). Reading
# ``__name__`` runs a module that the pre-lean code's LazyLoader left pending.
TIMED = (
    "import importlib, sys, time\nstarted = time.process_time()\nimport app\n"
    "for name in sys.argv[1:]:\n    importlib.import_module(name).__name__\n"
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


def first_calls(layout: Layout, code: str, cache: Path) -> tuple[list[dict], list[list[str]]]:
    """The Lambdas (name, kind, group) of the ``code`` package (lean or pre_lean) and each
    group's first-call modules, read there by the lister child."""
    found = json.loads(_child(layout, code, cache, LISTER, "list"))
    groups: list[list[str]] = []
    closures: dict[tuple[str, ...], list[str]] = {}
    for entry in found:
        roots = tuple(entry.pop("roots"))
        if roots not in closures:
            closures[roots] = json.loads(_child(layout, code, cache, LISTER, "closure", *roots))
        if closures[roots] not in groups:
            groups.append(closures[roots])
        entry["group"] = groups.index(closures[roots])
    return found, groups


def round_order(groups: dict[str, list[list[str]]], number: int) -> list[tuple[str, int]]:
    """(variant, group) in the order of round ``number``: group N of each package together
    (both list their Lambdas in app.py's order, so mostly the same Lambda's), the variant that
    comes first turning from round to round."""
    turn = number % len(VARIANTS)
    order = VARIANTS[turn:] + VARIANTS[:turn]
    count = max(len(modules) for modules in groups.values())
    return [
        (variant, n)
        for n in range(count)
        for variant in order
        if n < len(groups["pre_lean" if variant == "pre_lean" else "lean"])
    ]


def sample(
    layout: Layout, groups: dict[str, list[list[str]]], cache: Path, runs: int
) -> dict[str, list[float]]:
    """CPU seconds per round: ``bare``; ``lean/N`` and ``vendored/N`` for each group N of this
    code, ``pre_lean/M`` for each group M of the pre-lean code."""
    samples: dict[str, list[float]] = {}
    for number in range(runs + 1):  # round 0 compiles and warms the file cache
        timings = {"bare": float(_child(layout, "bare", cache, TIMED))}
        for variant, n in round_order(groups, number):
            modules = groups["pre_lean" if variant == "pre_lean" else "lean"][n]
            timings[f"{variant}/{n}"] = float(_child(layout, variant, cache, TIMED, *modules))
        if number:
            for key, seconds in timings.items():
                samples.setdefault(key, []).append(seconds)
    return samples


def _median_ratio(numerators: list[float], denominators: list[float]) -> float:
    """Median of the ratios of same-round samples: the load a round met cancels out."""
    return round(statistics.median(n / d for n, d in zip(numerators, denominators, strict=True)), 3)


def baseline(entry: dict[str, Any], previous: list[dict[str, Any]], samples: dict) -> tuple:
    """(label, sample key) of the pre-lean Lambda a Lambda is held to: the one of the same name;
    for a Lambda added since, the costliest of its kind (or of all)."""
    same = [p for p in previous if p["name"] == entry["name"]]
    if same:
        return same[0]["name"], f"pre_lean/{same[0]['group']}"
    kind = [p for p in previous if p["kind"] == entry["kind"]]
    chosen = max(
        kind or previous, key=lambda p: statistics.median(samples[f"pre_lean/{p['group']}"])
    )
    label = f"costliest {entry['kind']}" if kind else "costliest"
    return f"{chosen['name']} ({label})", f"pre_lean/{chosen['group']}"


def summary(lambdas: dict[str, list[dict]], groups: list[list[str]], samples: dict) -> dict:
    """Per Lambda of this code: median CPU ms in each package, the median ratio of this one and
    of its pre-lean baseline to the bare app, and of this one to the baseline (the budget's
    figure) and to the same code with the pre-lean libraries, round by round."""
    bare = samples["bare"]
    found = {}
    for entry in lambdas["lean"]:
        lean, vendored = samples[f"lean/{entry['group']}"], samples[f"vendored/{entry['group']}"]
        label, key = baseline(entry, lambdas["pre_lean"], samples)
        found[entry["name"]] = {
            "kind": entry["kind"],
            "first_call_modules": len(groups[entry["group"]]),
            "baseline": label,
            "lean_cpu_ms": round(statistics.median(lean) * 1000, 1),
            "vendored_cpu_ms": round(statistics.median(vendored) * 1000, 1),
            "pre_lean_cpu_ms": round(statistics.median(samples[key]) * 1000, 1),
            "lean_ratio": _median_ratio(lean, bare),
            "pre_lean_ratio": _median_ratio(samples[key], bare),
            "lean_over_pre_lean": _median_ratio(lean, samples[key]),
            "lean_over_vendored": _median_ratio(lean, vendored),
        }
    return {"bare_cpu_ms": round(statistics.median(bare) * 1000, 1), "lambdas": found}


def measure(zip_path: Path, runs: int = 9) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-lambdas-") as folder:
        layout = prepare(zip_path, Path(folder))
        cache = Path(folder) / "pycache"
        lambdas, groups = {}, {}
        for code in ("lean", "pre_lean"):
            lambdas[code], groups[code] = first_calls(layout, code, cache)
        result = summary(lambdas, groups["lean"], sample(layout, groups, cache, runs))
    return {
        "runs": runs,
        "tolerance": TOLERANCE,
        "pre_lean": f"commit {PRE_LEAN_COMMIT}: its code, boto3 vendored, {PRE_LEAN_PHONENUMBERS}",
        "native_from_this_machine": layout.native_from_this_machine,
        "first_call_modules": {str(n): modules for n, modules in enumerate(groups["lean"])},
        **result,
    }

"""Cold start: importing ``app.py`` against a bare Chalice app that imports boto3, same run.

Each sample is a fresh interpreter; the two apps alternate so that the machine's load hits both
alike, and both read bytecode compiled once beforehand (into a temporary cache: compiling is
a packaging matter, not an import-cost one). The budget figure is the median import time
(``import app`` timed inside the child); the whole process (interpreter start included) is
reported too. ``-X importtime`` says which top-level packages ``app`` imports beyond the bare
app, and what each costs.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = 'import boto3\nfrom chalice import Chalice\n\napp = Chalice(app_name="bare")\n'
TIMED_IMPORT = (
    "import time\nstarted = time.perf_counter()\nimport app\nprint(time.perf_counter() - started)\n"
)
IMPORTTIME_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def _environment(cache: Path) -> dict[str, str]:
    """Bytecode cached under ``cache`` for both apps alike (never in the repository)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _sample(directory: Path, cache: Path) -> tuple[float, float]:
    """(import seconds, whole process seconds) of one fresh interpreter in ``directory``."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", TIMED_IMPORT],
        cwd=directory,
        env=_environment(cache),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def _self_times(directory: Path, cache: Path) -> dict[str, int]:
    """Module → its own import time (µs), from one ``-X importtime`` run."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=directory,
        env=_environment(cache),
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            found[match.group(4)] = int(match.group(1))
    return found


def extra_imports(app_times: list[dict[str, int]], bare_times: list[dict[str, int]]) -> dict:
    """Top-level package → median ms of its modules that ``app`` imports and the bare app does
    not (self times, so nothing is counted twice)."""
    bare_modules = set().union(*bare_times) if bare_times else set()
    per_run: list[Counter] = []
    for times in app_times:
        totals: Counter = Counter()
        for module, micros in times.items():
            if module not in bare_modules:
                totals[module.split(".")[0]] += micros
        per_run.append(totals)
    packages = set().union(*per_run) if per_run else set()
    medians = {p: statistics.median(run.get(p, 0) for run in per_run) / 1000 for p in packages}
    return dict(sorted(((p, round(ms, 1)) for p, ms in medians.items()), key=lambda x: -x[1]))


def measure(runs: int = 9, breakdown_runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        bare, cache = Path(folder) / "bare", Path(folder) / "pycache"
        bare.mkdir()
        (bare / "app.py").write_text(BARE_APP, encoding="utf-8")
        _sample(ROOT, cache), _sample(bare, cache)  # compile once, warm the OS file cache
        app_samples, bare_samples = [], []
        for _ in range(runs):
            app_samples.append(_sample(ROOT, cache))
            bare_samples.append(_sample(bare, cache))
        app_import = statistics.median(s[0] for s in app_samples)
        bare_import = statistics.median(s[0] for s in bare_samples)
        app_process = statistics.median(s[1] for s in app_samples)
        bare_process = statistics.median(s[1] for s in bare_samples)
        result = {
            "runs": runs,
            "app_import_ms": round(app_import * 1000, 1),
            "bare_import_ms": round(bare_import * 1000, 1),
            "import_ratio": round(app_import / bare_import, 2),
            "app_process_ms": round(app_process * 1000, 1),
            "bare_process_ms": round(bare_process * 1000, 1),
            "process_ratio": round(app_process / bare_process, 2),
        }
        app_times = [_self_times(ROOT, cache) for _ in range(breakdown_runs)]
        bare_times = [_self_times(bare, cache) for _ in range(breakdown_runs)]
    result["extra_imports_ms"] = dict(list(extra_imports(app_times, bare_times).items())[:12])
    return result

"""The Lambda deployment package (SPEC §10 v3: ≤ 12 MB zipped, ≤ 35 MB unzipped), read from
``make package``'s ``build/STAGE/deployment.zip``, and each Lambda's cold import: ``app.py`` plus
the modules its first call loads (``chalicelib.lazy``), in a fresh interpreter, median of runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
# What each Lambda's first call loads beyond app.py (app.py's lazy handles and their imports).
FIRST_CALL = {
    "api": ("chalicelib.api.departments", "chalicelib.api.ack", "chalicelib.console.routes"),
    "schedules": ("chalicelib.fanout.schedule",),
    "job_worker": (
        "chalicelib.fanout.worker",
        "chalicelib.referrals.scan",
        "chalicelib.referrals.followups",
        "chalicelib.alerts.digest",
        "chalicelib.pathway.digest",
    ),
    "send_worker": ("chalicelib.fanout.worker", "chalicelib.delivery.dispatch"),
    "ses_events": ("chalicelib.delivery.events",),
    "roster_upload_received": ("chalicelib.roster.uploads",),
}
TIMED = (
    "import importlib, sys, time\nstarted = time.perf_counter()\nimport app\n"
    "for name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    "print(time.perf_counter() - started)\n"
)


def package_figures(stage: str = "prod") -> dict:
    """Sizes of the zip ``make package`` built (``missing`` when there is none)."""
    path = ROOT / "build" / stage / "deployment.zip"
    if not path.exists():
        return {"missing": f"{path.relative_to(ROOT)}: run make package first"}
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
    by_package: Counter[str] = Counter()
    for member in members:
        by_package[member.filename.split("/", 1)[0]] += member.file_size
    return {
        "zipped_mb": round(path.stat().st_size / MB, 1),
        "unzipped_mb": round(sum(m.file_size for m in members) / MB, 1),
        "files": len(members),
        "largest_mb": {name: round(size / MB, 1) for name, size in by_package.most_common(6)},
    }


def cold_imports(runs: int = 5) -> dict[str, float]:
    """Lambda → median ms to import app.py and what its first call loads (fresh interpreters,
    bytecode compiled beforehand into a temporary cache, as ``coldstart`` does)."""
    with tempfile.TemporaryDirectory(prefix="bench-lambdas-") as cache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        found = {}
        for name, modules in FIRST_CALL.items():
            _timed(modules, env)  # compile once
            samples = [_timed(modules, env) for _ in range(runs)]
            found[name] = round(statistics.median(samples) * 1000, 1)
    return found


def _timed(modules: tuple[str, ...], env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", TIMED, *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def measure() -> dict:
    return {"package": package_figures(), "cold_import_ms": cold_imports()}

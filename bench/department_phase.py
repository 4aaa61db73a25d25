"""A real department through ``make run`` (SPEC §10, v3): 20,000 youths, 3,000 due.

The measured process is ``bench.department_child``: what ``make run`` starts (the embedded
endpoint, the OpenID provider, the API), one department's roster uploaded as the console does,
the upload, its prompt scan and the sends driven by ``make run``'s loop, then the console's
youths list. This side samples the RSS of the child's process tree (``/proc``) for the peak of
the whole ``make run``; ``report.department_budgets`` checks the budgets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.meter import AwsMeter
from bench.world import World

ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 3_600  # a loaded machine; on an idle one the phase takes about 10 minutes
SAMPLE_SECONDS = 0.25


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants (``VmRSS`` of each), in MB."""
    from bench.department_child import rss_mb

    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += rss_mb(current)
        pending.extend(_children(current))
    return round(total, 1)


class _PeakSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


def child_environment() -> dict[str, str]:
    """The bench's environment without a sending rate of its own: the child paces its sends at
    ``make run``'s (``local.run.environment``: 14 emails a second, SES's production start)."""
    return {name: value for name, value in os.environ.items() if name != "RELAIS_SEND_RATE"}


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    """``world`` and ``meter`` stay idle: the child has its own endpoint and meter."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.department_child", now.isoformat()],
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = _PeakSampler(process.pid)
    sampler.start()
    started = time.perf_counter()
    try:
        out, err = process.communicate(timeout=CHILD_TIMEOUT)
    finally:
        sampler.done.set()
        process.kill() if process.poll() is None else None
    if process.returncode != 0:
        raise RuntimeError(f"department child failed: {err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_tree_mb"] = max(sampler.peak, result["peak_rss_self_mb"])
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    return result

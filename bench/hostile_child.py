"""A fresh process reading one roster file as the upload path does (``roster.parsing`` on the
file streamed from disk, as from S3), measuring its CPU seconds and its peak memory above the
resting process (after imports). Prints one JSON line.

``python -m bench.hostile_child PATH DEPARTMENT TODAY``
"""

from __future__ import annotations

import json
import os
import resource
import sys
from datetime import date


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(path: str, department: str, today: str) -> dict:
    from chalicelib.errors import RelaisError
    from chalicelib.roster.parsing import parse_roster

    resting = _status_mb("VmRSS")
    try:  # peak from here on: reset the high-water mark (Linux ≥ 4.0)
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass
    started = _cpu()
    outcome: dict = {}
    try:
        with open(path, "rb") as source:
            parsed = parse_roster(source, department=department, today=date.fromisoformat(today))
        outcome = {
            "status": 200,
            "rows": parsed.rows,
            "rejected_rows": parsed.rejected_rows,
            "errors_kept": len(parsed.rejected),
            "errors_total": parsed.rejected_total,
        }
    except RelaisError as error:
        outcome = {"status": error.status, "code": error.code, "message": error.message}
    cpu = _cpu() - started
    return {
        **outcome,
        "cpu_seconds": round(cpu, 2),
        "peak_above_resting_mb": round(max(_status_mb("VmHWM") - resting, 0.0), 1),
        "resting_mb": round(resting, 1),
    }


if __name__ == "__main__":
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the product's logs)
    real_stdout.write(json.dumps(main(*sys.argv[1:4])) + "\n")

"""Peak memory of the upload path for 50,000 rows, CSV and XLSX, each in a fresh process.

Each file goes to S3 as a client would (the presigned upload), then a child process runs the S3
event handler on it; its peak RSS is what a Lambda of that memory size must hold. Both are first
uploads (50,000 creations, in two departments); the two children run at the same time, which
changes their wall time (reported) but not their own peak memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import data
from bench.meter import AwsMeter
from bench.world import World, add_departments, today_of

ROWS = 50_000
ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 900


@dataclass
class _Child:
    code: str
    upload_id: str
    body_bytes: int
    process: subprocess.Popen
    started: float


def _start(code: str, body: bytes) -> _Child:
    from chalicelib import aws, settings
    from chalicelib.roster import uploads

    created = uploads.create(code, mode="strict", dry_run=False, actor="bench")
    bucket = settings.current().upload_bucket
    key = uploads.object_key(code, created["upload_id"])
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.memory_child", bucket, key],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return _Child(code, created["upload_id"], len(body), process, time.perf_counter())


def _finish(child: _Child) -> dict[str, Any]:
    from chalicelib.roster import uploads

    out, err = child.process.communicate(timeout=CHILD_TIMEOUT)
    wall = time.perf_counter() - child.started
    if child.process.returncode != 0:
        raise RuntimeError(f"memory child failed: {err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    report = uploads.status(child.code, child.upload_id)["report"] or {}
    result.update(
        file_bytes=child.body_bytes,
        rows=report.get("rows"),
        created=report.get("created"),
        process_seconds=round(wall, 2),
        rows_per_second=round((report.get("rows") or 0) / max(result["seconds"], 1e-9)),
    )
    return result


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    world.reset()
    codes = {"csv": "59", "xlsx": "13"}
    add_departments(list(codes.values()), {c: data.TERRITORIES[c].name for c in codes.values()})
    started = time.perf_counter()
    csv_body = data.roster_csv(data.roster_rows(codes["csv"], ROWS, today_of(now), seed=23))
    xlsx_body = data.roster_xlsx(data.roster_rows(codes["xlsx"], ROWS, today_of(now), seed=29))
    build_seconds = round(time.perf_counter() - started, 1)
    children = {name: _start(codes[name], body) for name, body in
                (("csv", csv_body), ("xlsx", xlsx_body))}  # fmt: skip
    return {
        "rows": ROWS,
        "files_built_seconds": build_seconds,
        **{name: _finish(child) for name, child in children.items()},
    }

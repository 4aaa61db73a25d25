"""Hostile and extreme files (SPEC §5.1 limits, §10): each refused with a 4xx in ≤ 2 s of CPU and
≤ 100 MB above the resting process; a file at the limits (100,000 rows) read in ≤ 10 s and ≤ 300
MB. Each file is built on disk, then read by a fresh child process (``bench.hostile_child``)."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import data, hostile_files
from bench.meter import AwsMeter
from bench.world import World, today_of

ROOT = Path(__file__).resolve().parent.parent
REFUSAL = {"cpu_seconds": 2.0, "peak_above_resting_mb": 100.0}
# v3's variants (SPEC §10): "refused or read" within the refusal's budget
REFUSED_OR_READ = {"cpu_seconds": 2.0, "peak_above_resting_mb": 100.0}
WITHIN = {"cpu_seconds": 10.0, "peak_above_resting_mb": 300.0}
MAX_ROWS = 100_000


def _files(
    folder: Path, now: datetime, only: Collection[str] | None = None
) -> list[tuple[str, Path, dict[str, float]]]:
    """Each file built on disk (``only``: just those named), with its budget."""
    rows = functools.cache(lambda: data.roster_rows("59", MAX_ROWS, today_of(now), seed=31))
    builders: dict[str, tuple[Callable[[], Path], dict[str, float]]] = {
        "xlsx_1.5_gb_inflated": (lambda: hostile_files.inflating_xlsx(folder / "bomb.xlsx"),
                                 REFUSAL),
        "xlsx_8_million_rows_declared":
            (lambda: hostile_files.eight_million_rows_xlsx(folder / "rows.xlsx"), REFUSAL),
        "xlsx_row_8_million_undeclared":
            (lambda: hostile_files.eight_million_rows_xlsx(folder / "rows2.xlsx", declared=False),
             REFUSAL),
        "xlsx_2_million_shared_strings":
            (lambda: hostile_files.shared_strings_xlsx(folder / "strings.xlsx"), REFUSAL),
        "csv_800k_invalid_rows": (lambda: hostile_files.invalid_csv(folder / "bad.csv"), REFUSAL),
        "csv_100k_invalid_rows":
            (lambda: hostile_files.invalid_csv(folder / "bad100k.csv", MAX_ROWS), WITHIN),
        "csv_100k_valid_rows":
            (lambda: hostile_files.valid_csv(folder / "max.csv", rows()), WITHIN),
        "xlsx_100k_valid_rows":
            (lambda: hostile_files.valid_xlsx(folder / "max.xlsx", rows()), WITHIN),
        # LibreOffice writes ~2 KB of XML a row of 20 columns: 50,000 rows fill the 100 MB that
        # every workbook may inflate to (a 100,000-row ODS is refused by that limit: 413)
        "ods_50k_valid_rows":
            (lambda: hostile_files.valid_ods(folder / "max.ods", rows()[:50_000]), WITHIN),
        **_variants(folder),
    }  # fmt: skip
    unknown = sorted(set(only or ()) - set(builders))
    if unknown:
        raise SystemExit(f"unknown file(s): {', '.join(unknown)}; known: {', '.join(builders)}")
    return [
        (name, build(), budget)
        for name, (build, budget) in builders.items()
        if only is None or name in only
    ]


def _variants(folder: Path) -> dict[str, tuple[Callable[[], Path], dict[str, float]]]:
    """v3's hostile variants (issue 21), each refused or read within the refusal's budget."""
    h = hostile_files
    return {
        "xlsx_deep_nesting_30_million": (lambda: h.deep_nesting_xlsx(folder / "deep.xlsx"),
                                         REFUSED_OR_READ),
        "xlsx_1.8_million_relationships":
            (lambda: h.many_relationships_xlsx(folder / "rels.xlsx"), REFUSED_OR_READ),
        "xlsx_99_mb_attribute": (lambda: h.huge_attribute_xlsx(folder / "attr.xlsx"),
                                 REFUSED_OR_READ),
        "csv_48_million_empty_lines": (lambda: h.empty_lines_csv(folder / "empty.csv"),
                                       REFUSED_OR_READ),
        "csv_2_million_separator_lines":
            (lambda: h.separator_lines_csv(folder / "separators.csv"), REFUSED_OR_READ),
        "ods_row_repeated_million_times": (lambda: h.repeated_rows_ods(folder / "rep.ods"),
                                           REFUSED_OR_READ),
        "ods_deep_nesting_30_million": (lambda: h.deep_nesting_ods(folder / "deep.ods"),
                                        REFUSED_OR_READ),
        "ods_99_mb_attribute": (lambda: h.huge_attribute_ods(folder / "attr.ods"),
                                REFUSED_OR_READ),
    }  # fmt: skip


def _child(path: Path, today: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.hostile_child", str(path), "59", today],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        return {"status": "crash", "stderr": done.stderr[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    world: World, meter: AwsMeter, now: datetime, only: Collection[str] | None = None
) -> dict[str, Any]:
    """``only``: the names of the files to measure (all when None)."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as folder:
        started = time.perf_counter()
        files = _files(Path(folder), now, only)
        results["files_built_seconds"] = round(time.perf_counter() - started, 1)
        for name, path, budget in files:
            figure = _child(path, today_of(now).isoformat())
            figure["file_mb"] = round(path.stat().st_size / 1e6, 2)
            figure["budget"] = budget
            figure["within_budget"] = all(
                isinstance(figure.get(k), int | float) and figure[k] <= v for k, v in budget.items()
            ) and (budget is not REFUSAL or 400 <= int(figure.get("status", 0) or 0) < 500)
            results[name] = figure
    return results

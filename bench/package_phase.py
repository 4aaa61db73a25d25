"""The Lambda deployment package (SPEC §10 v3: ≤ 12 MB zipped, ≤ 35 MB unzipped), read from
``make package``'s ``build/STAGE/deployment.zip``, and each Lambda's cold import from that zip
against the pre-lean package's, same run (bench/cold_lambdas.py)."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

from bench import cold_lambdas
from bench.package_variants import PreLeanUnavailableError

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


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


def measure() -> dict:
    figures = package_figures()
    if "missing" in figures:
        return {"package": figures, "lambdas": {"missing": figures["missing"]}}
    try:
        lambdas = cold_lambdas.measure(ROOT / "build" / "prod" / "deployment.zip")
    except PreLeanUnavailableError as error:
        lambdas = {"missing": f"pre-lean package: {error}"}
    return {"package": figures, "lambdas": lambdas}

"""The deployment package unzipped as Lambda runs it, and the package as it was before the lean
work, side by side, for the cold start of each Lambda (bench/cold_lambdas.py).

- lean: ``make package``'s zip (boto3, botocore, s3transfer, jmespath left to the runtime);
- pre-lean: the same zip as it was at commit ``PRE_LEAN_COMMIT`` (29.4 MB zipped, 73 MB unzipped):
  those four packages vendored, and the full ``phonenumbers`` (its requirements.txt's pin, the
  only other difference) instead of ``phonenumberslite``;
- runtime: what the Lambda runtime puts after the package on ``sys.path``: this machine's boto3
  and friends (the versions requirements.txt pins);
- bare: the reference app, Chalice and boto3 only (bench/coldstart.py's).

The zip is built for arm64: its compiled extensions (cryptography, cffi, …) cannot load on
another machine, so they are replaced by this machine's build of the same version (listed in the
figures as ``native_from_this_machine``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.coldstart import BARE_APP
from tools.slim_package import PROVIDED_BY_THE_RUNTIME

ROOT = Path(__file__).resolve().parent.parent
PRE_LEAN_COMMIT = "f48cbb5"  # the last commit before the lean package (`git log -- tools/`)
PRE_LEAN_PHONENUMBERS = "phonenumbers==9.0.43"  # that commit's requirements.txt
WHEELS = ROOT / "build" / "pre-lean"  # its wheel, downloaded once by pip
LITE = ("phonenumbers", "phonenumberslite")


@dataclass
class Layout:
    lean: Path
    pre_lean: Path
    runtime: Path
    bare: Path
    native_from_this_machine: list[str] = field(default_factory=list)

    def path(self, variant: str) -> list[Path]:
        """``sys.path`` of a Lambda of this variant: the package first, then the runtime's."""
        first = {"lean": [self.lean], "pre_lean": [self.pre_lean], "bare": [self.bare, self.lean]}
        return [*first[variant], self.runtime]


def prepare(zip_path: Path, folder: Path) -> Layout:
    """The four folders of ``Layout`` under ``folder``."""
    layout = Layout(folder / "lean", folder / "pre-lean", folder / "runtime", folder / "bare")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(layout.lean)
    layout.native_from_this_machine = _native_from_this_machine(layout.lean)
    layout.runtime.mkdir()
    for package in PROVIDED_BY_THE_RUNTIME:
        (layout.runtime / package).symlink_to(_installed(package))
    layout.pre_lean.mkdir()
    for entry in layout.lean.iterdir():
        if not entry.name.startswith(LITE):
            (layout.pre_lean / entry.name).symlink_to(entry)
    for package in PROVIDED_BY_THE_RUNTIME:
        (layout.pre_lean / package).symlink_to(_installed(package))
    with zipfile.ZipFile(_full_phonenumbers()) as archive:
        archive.extractall(layout.pre_lean)
    layout.bare.mkdir()
    (layout.bare / "app.py").write_text(BARE_APP, encoding="utf-8")
    return layout


def _installed(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(package)
    return Path(next(iter(spec.submodule_search_locations)))


def _full_phonenumbers() -> Path:
    """The pre-lean ``phonenumbers`` wheel, from pip the first time (pure Python, 2.6 MB)."""
    wheel = f"{PRE_LEAN_PHONENUMBERS.replace('==', '-')}-py2.py3-none-any.whl"
    if not (WHEELS / wheel).exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             PRE_LEAN_PHONENUMBERS, "-d", str(WHEELS)],
            check=True,
        )  # fmt: skip
    return WHEELS / wheel


def _machine(path: Path) -> bytes:
    """The ELF machine field of a compiled file (bytes 18-19)."""
    with path.open("rb") as binary:
        return binary.read(20)[18:20]


def _native_from_this_machine(package: Path) -> list[str]:
    """Replace each top-level entry holding a compiled file built for another machine by this
    machine's copy of it; the replaced names."""
    here = _machine(Path(os.path.realpath(sys.executable)))
    foreign = sorted(
        {
            compiled.relative_to(package).parts[0]
            for compiled in package.rglob("*.so")
            if _machine(compiled) != here
        }
    )
    for name in foreign:
        entry = package / name
        module = name.split(".", 1)[0]
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(f"{module}: needed to load the package on this machine")
        if entry.is_dir():
            shutil.rmtree(entry)
            entry.symlink_to(Path(spec.origin).parent)
        else:
            entry.unlink()
            (package / Path(spec.origin).name).symlink_to(spec.origin)
    return foreign

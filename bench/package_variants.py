"""The deployment package unzipped as Lambda runs it, and the package as it was before the lean
work, side by side, for the cold start of each Lambda (bench/cold_lambdas.py).

- lean: ``make package``'s zip (boto3, botocore, s3transfer, jmespath left to the runtime);
- pre-lean: the package of commit ``PRE_LEAN_COMMIT`` (29.4 MB zipped, 73 MB unzipped): that
  commit's code (``git archive``), the same libraries but those four vendored and the full
  ``phonenumbers`` (its requirements.txt's pin, the only other difference) for ``phonenumberslite``;
- vendored: this code with the pre-lean libraries (what the lean choice alone changes);
- runtime: what the Lambda runtime puts after the package on ``sys.path``: this machine's boto3
  and friends (the versions requirements.txt pins);
- bare: the reference app, Chalice and boto3 only (bench/coldstart.py's).

The zip is built for arm64: its compiled extensions (cryptography, cffi, …) cannot load on
another machine, so they are replaced by this machine's build of the same version (listed in the
figures as ``native_from_this_machine``).
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
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
CODE = ("app.py", "chalicelib", "templates")  # what the zip holds of the repository


class PreLeanUnavailableError(RuntimeError):
    """The pre-lean package cannot be rebuilt here (no git history, no pip index)."""


@dataclass
class Layout:
    folder: Path
    native_from_this_machine: list[str] = field(default_factory=list)

    def package(self, variant: str) -> Path:
        return self.folder / variant

    def path(self, variant: str) -> list[Path]:
        """``sys.path`` of a Lambda of this variant: the package first, then the runtime's."""
        first = [self.package("bare"), self.package("lean")] if variant == "bare" else []
        return [*first, self.package(variant), self.package("runtime")]


def prepare(zip_path: Path, folder: Path) -> Layout:
    """The folders of ``Layout`` under ``folder``."""
    layout = Layout(folder)
    lean, vendored, pre_lean = (layout.package(v) for v in ("lean", "vendored", "pre_lean"))
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(lean)
    layout.native_from_this_machine = replace_foreign_builds(lean)
    _link(layout.package("runtime"), {p: _installed(p) for p in PROVIDED_BY_THE_RUNTIME})
    _link(vendored, {e.name: e for e in lean.iterdir() if not e.name.startswith(LITE)})
    _link(vendored, {p: _installed(p) for p in PROVIDED_BY_THE_RUNTIME})
    with zipfile.ZipFile(_full_phonenumbers()) as archive:
        archive.extractall(vendored)
    _link(pre_lean, {e.name: e for e in vendored.iterdir() if e.name not in CODE})
    code = _run(["git", "archive", "--format=tar", PRE_LEAN_COMMIT, *CODE])
    with tarfile.open(fileobj=io.BytesIO(code)) as archive:
        archive.extractall(pre_lean, filter="data")
    layout.package("bare").mkdir()
    (layout.package("bare") / "app.py").write_text(BARE_APP, encoding="utf-8")
    return layout


def _link(folder: Path, entries: dict[str, Path]) -> None:
    folder.mkdir(exist_ok=True)
    for name, target in entries.items():
        (folder / name).symlink_to(target)


def _installed(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(package)
    return Path(next(iter(spec.submodule_search_locations)))


def _full_phonenumbers() -> Path:
    """The pre-lean ``phonenumbers`` wheel, from pip the first time (pure Python, 2.6 MB)."""
    wheel = f"{PRE_LEAN_PHONENUMBERS.replace('==', '-')}-py2.py3-none-any.whl"
    if not (WHEELS / wheel).exists():
        _run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
              "--only-binary=:all:", PRE_LEAN_PHONENUMBERS, "-d", str(WHEELS)])  # fmt: skip
    return WHEELS / wheel


def _run(command: list[str]) -> bytes:
    done = subprocess.run(command, cwd=ROOT, capture_output=True)
    if done.returncode:
        error = done.stderr.decode(errors="replace").strip()[-300:]
        raise PreLeanUnavailableError(f"{' '.join(command[:3])}: {error}")
    return done.stdout


def machine(path: Path) -> bytes:
    """The ELF machine field of a compiled file (bytes 18-19)."""
    with path.open("rb") as binary:
        return binary.read(20)[18:20]


def replace_foreign_builds(package: Path) -> list[str]:
    """Replace each top-level entry holding a compiled file built for another machine by this
    machine's copy of it; the replaced names."""
    here = machine(Path(os.path.realpath(sys.executable)))
    foreign = sorted(
        {
            compiled.relative_to(package).parts[0]
            for compiled in package.rglob("*.so")
            if machine(compiled) != here
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

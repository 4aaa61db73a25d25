"""The ``models_in_store`` import contract (tools/import_contracts.py): a module outside the store
that names a model class breaks it, however it imports it; the product keeps it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

from tools.import_contracts import ModelsStayInStoreContract

ROOT = Path(__file__).resolve().parents[2]

STORE = {
    "__init__.py": "",
    "store/__init__.py": "",
    "store/models.py": "class Youth:\n    pass\n\n\nclass Referral:\n    pass\n",
    "store/youths.py": "from shop.store.models import Youth\n\n\ndef get():\n    return Youth()\n",
    "roster/__init__.py": "",
}


def _check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync: str) -> list:
    """Builds the package ``shop`` (a store and ``roster.sync``) and checks the contract on it."""
    for name, text in {**STORE, "roster/sync.py": textwrap.dedent(sync)}.items():
        path = tmp_path / "shop" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    contract = ModelsStayInStoreContract(
        "models stay in the store", {}, {"store": "shop.store", "models": "shop.store.models"}
    )
    check = contract.check(grimp.build_graph("shop", cache_dir=None), verbose=False)
    assert check.kept == (not check.metadata["uses"])
    return [(u.importer, u.line_number, u.store_module, u.name) for u in check.metadata["uses"]]


def test_a_module_importing_youth_from_store_youths_breaks_the_contract(tmp_path, monkeypatch):
    uses = _check(tmp_path, monkeypatch, "from shop.store.youths import Youth, get\n")
    assert uses == [("shop.roster.sync", 1, "shop.store.youths", "Youth")]


def test_a_relative_import_on_several_lines_breaks_the_contract(tmp_path, monkeypatch):
    sync = """\
        from ..store.youths import (
            get,
            Youth,
        )
        """
    uses = _check(tmp_path, monkeypatch, sync)
    assert uses == [("shop.roster.sync", 1, "shop.store.youths", "Youth")]


def test_a_model_reached_through_a_store_module_breaks_the_contract(tmp_path, monkeypatch):
    sync = """\
        from shop.store import youths
        import shop.store.models as tables


        def kinds():
            return youths.Youth, tables.Referral
        """
    uses = _check(tmp_path, monkeypatch, sync)
    assert sorted(uses) == [
        ("shop.roster.sync", 6, "shop.store.models", "Referral"),
        ("shop.roster.sync", 6, "shop.store.youths", "Youth"),
    ]


def test_store_functions_and_other_names_keep_the_contract(tmp_path, monkeypatch):
    sync = """\
        from shop.store import youths
        from shop.store.youths import get


        def first():
            return youths.get() or get()
        """
    assert _check(tmp_path, monkeypatch, sync) == []


def test_the_product_keeps_the_contract():
    contract = ModelsStayInStoreContract(
        "models stay in the store",
        {},
        {"store": "chalicelib.store", "models": "chalicelib.store.models"},
    )
    check = contract.check(grimp.build_graph("chalicelib"), verbose=False)
    assert check.metadata["uses"] == []
    assert check.kept


def test_lint_imports_loads_the_contract_from_pyproject():
    """``make lint`` runs ``lint-imports`` from the repository root: the contract type is found
    on sys.path there and its contract is checked (and kept)."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No model class leaves the store" in done.stdout

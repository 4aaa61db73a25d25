"""The code's shape, checked like behaviour: small functions, and tests that share helpers through
tests/support/ rather than by importing each other."""

from __future__ import annotations

import ast
from pathlib import Path

from tools.function_length import LIMIT, long_functions

ROOT = Path(__file__).resolve().parents[2]


def test_no_function_of_chalicelib_is_longer_than_50_lines():
    assert list(long_functions(ROOT, LIMIT)) == []


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

"""Fail when a function in chalicelib/ is longer than 50 lines (decorators and docstring
included): small functions read in one screen. ``python tools/function_length.py [limit]``."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 50


def long_functions(root: Path, limit: int) -> Iterator[tuple[Path, int, str, int]]:
    """(file, line, name, length) of every function longer than ``limit`` lines."""
    for path in sorted((root / "chalicelib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > limit:
                    yield path.relative_to(root), node.lineno, node.name, length


def main(argv: list[str]) -> int:
    limit = int(argv[0]) if argv else LIMIT
    found = list(long_functions(ROOT, limit))
    for path, line, name, length in found:
        print(f"{path}:{line}: {name} has {length} lines (at most {limit})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

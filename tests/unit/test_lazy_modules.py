"""``chalicelib.lazy``: a module loaded on first use, safely when many threads use it first at once
(``make run`` and ``chalice local`` serve each request in its own thread)."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.lazy import lazy

THREADS = 24

SLOW_MODULE = """
import time

import {log}

{log}.imports.append(__name__)
early = "early"
time.sleep(0.2)  # a slow import: the other threads arrive while it runs
late = "late"


def answer():
    return 42
"""


@pytest.fixture
def fresh_module(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, object]]:
    """A module never imported yet, slow to import, and the log its imports append to."""
    suffix = request.node.name.replace("[", "_").replace("]", "_")
    name, log = f"lazy_probe_{suffix}", f"lazy_probe_log_{suffix}"
    (tmp_path / f"{log}.py").write_text("imports = []\n")
    (tmp_path / f"{name}.py").write_text(SLOW_MODULE.format(log=log))
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    try:
        yield name, importlib.import_module(log)
    finally:
        sys.path.remove(str(tmp_path))
        for module in (name, log):
            sys.modules.pop(module, None)


def test_a_lazy_module_is_not_imported_until_an_attribute_is_read(fresh_module):
    name, log = fresh_module

    module = lazy(name)

    assert log.imports == []
    assert module.answer() == 42
    assert log.imports == [name]


def test_many_threads_reading_a_fresh_lazy_module_at_once_all_see_it_whole(fresh_module):
    name, log = fresh_module
    module = lazy(name)
    start = threading.Barrier(THREADS)
    seen: list[object] = []
    errors: list[BaseException] = []

    def first_request() -> None:
        start.wait()
        try:
            seen.append((module.late, module.answer()))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first_request) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert seen == [("late", 42)] * THREADS
    assert log.imports == [name]


def test_a_missing_module_is_refused_at_once():
    with pytest.raises(ModuleNotFoundError):
        lazy("chalicelib.no_such_module")

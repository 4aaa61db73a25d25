"""A steady heap for ``make run``: what survived a full garbage collection is frozen, so the next
full collections walk only what came after.

At a real department's size the embedded endpoint holds millions of long-lived objects (moto's
items: each attribute a ``DynamoType``), and CPython's full collection walks them all each time
it runs: 0.8 to 0.9 s, every few console pages at 20,000 youths (measured with ``gc.callbacks``),
enough to put a 0.2 s page above its 1 s budget. Freezing just after a full collection (every
unreachable cycle just freed) moves the survivors out of the collector's walks; they are still
freed by reference counting when deleted or replaced. Opt-in (``make run``): a test process
creates and drops cyclic objects all along, and would keep the ones frozen while alive.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

_collected = threading.Event()
_callbacks: list = gc.callbacks


def keep_steady() -> None:
    """Freeze the heap after each full collection, from now on in this process (idempotent)."""
    if _note not in _callbacks:
        _callbacks.append(_note)


def let_go() -> None:
    """Stop freezing and hand what was frozen back to the collector (a test that held a
    department's size, before the next test's reset drops it)."""
    if _note in _callbacks:
        _callbacks.remove(_note)
    _collected.clear()
    gc.unfreeze()


def settle() -> None:
    """After a request: freeze what the last full collection left, if one ran since."""
    if _collected.is_set():
        _collected.clear()
        gc.freeze()


def _note(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        _collected.set()  # not frozen here: the collector is still running its callbacks

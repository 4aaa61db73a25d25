"""Modules loaded on first use, for Lambda cold starts.

Every function of the app (API, each schedule, each event handler) imports ``app.py``; with plain
imports each would load the whole product — roster parsing, phone metadata, calendars, templates —
before its first event. ``lazy("chalicelib.jobs")`` returns the module object at once and runs its
code on the first attribute access, so each function pays only for what it uses
(importlib's ``LazyLoader``).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module

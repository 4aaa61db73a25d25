"""Modules loaded on first use, for Lambda cold starts.

Every function of the app (API, each schedule, each event handler) imports ``app.py``; with plain
imports each would load the whole product — roster parsing, phone metadata, calendars, templates —
before its first event. ``lazy("chalicelib.jobs")`` returns a stand-in at once and imports the
module on the first attribute read, so each function pays only for what it uses.

Not importlib's ``LazyLoader``: on Python 3.11 it is not thread-safe (a second thread reading an
attribute while the first one runs the module's code sees it half-built: ``AttributeError``, a 500
on two first requests at once under ``make run``). The stand-in imports through
``importlib.import_module``, whose per-module import lock makes every other thread wait for the
one import and then see the whole module.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


class _OnFirstUse(ModuleType):
    """Stands for the module of the same name; imports it when an attribute is first read."""

    def __getattr__(self, attribute: str) -> Any:  # only for what the stand-in itself lacks
        module = self.__dict__.get("_lazy_target")
        if module is None:
            module = importlib.import_module(self.__name__)
            self.__dict__["_lazy_target"] = module
        return getattr(module, attribute)


def lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)  # a misspelt name fails now, not on the first event
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    return _OnFirstUse(name)

"""The Lambdas of the stack, read from the Chalice app of ``app.py``, and what each one's first
call imports.

``chalice package`` makes one function for all the routes (``api_handler``), one per schedule,
per SQS/SNS/S3 handler and per ``@app.lambda_function``: so does ``lambdas``, from the app object,
so a new handler in app.py is in the bench table without editing the bench.

A first call imports the modules that the handler's code reaches through ``chalicelib.lazy``
stand-ins, then the stand-ins of every module those imports load, and so on (``first_call``).
That is the most a first call can load: a schedule that probes no department, or a worker given
one kind of job, loads less.

Run as a child in the unzipped package (``python -S -c SOURCE list`` or ``… closure ROOT…``), it
prints JSON: the interpreter then holds only what the Lambda would.
"""

from __future__ import annotations

import dis
import importlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import CodeType, ModuleType
from typing import Any

WRAPPED = ("func", "_original_func", "__wrapped__")  # where Chalice's wrappers keep the function
API = "api_handler"  # the name chalice package gives the function of every route
OURS = ("app", "chalicelib")  # whose stand-ins a first call follows (not a library's lazy modules)


@dataclass(frozen=True)
class Lambda:
    name: str
    kind: str  # api, schedule, sqs, sns, s3, function, …
    handlers: tuple[Callable[..., Any], ...]


KINDS = {
    "ScheduledEventConfig": "schedule",
    "SQSEventConfig": "sqs",
    "SNSEventConfig": "sns",
    "S3EventConfig": "s3",
    "CloudWatchEventConfig": "event",
    "KinesisEventConfig": "kinesis",
    "DynamoDBEventConfig": "dynamodb",
}


def lambdas(app: Any) -> list[Lambda]:
    """Every function ``chalice package`` makes of ``app`` (a Chalice app), the API first."""
    found = []
    views = [entry.view_function for methods in app.routes.values() for entry in methods.values()]
    if views:
        middlewares = [func for func, kind in app.middleware_handlers if kind in ("all", "http")]
        found.append(Lambda(API, "api", tuple(views + middlewares)))
    for source in app.event_sources:
        found.append(Lambda(source.name, _kind(source), (_handler(app, source.name),)))
    for function in app.pure_lambda_functions:
        found.append(Lambda(function.name, "function", (_handler(app, function.name),)))
    for auth in app.builtin_auth_handlers:  # each @app.authorizer is a Lambda API Gateway calls
        found.append(Lambda(auth.name, "authorizer", (_handler(app, auth.name),)))
    return found


def _kind(source: Any) -> str:
    return KINDS.get(type(source).__name__, type(source).__name__)


def _handler(app: Any, name: str) -> Callable[..., Any]:
    """The user's function registered under ``name``."""
    found = app.handler_map[name]
    while not hasattr(found, "__code__"):  # Chalice's wrappers, one in another
        found = next(getattr(found, a) for a in WRAPPED if hasattr(found, a))
    return found


def _codes(code: CodeType) -> Iterator[CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from _codes(constant)


def _global_names(function: Callable[..., Any]) -> set[str]:
    """Names the function (and its nested functions) reads as globals."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    return {
        str(instruction.argval)
        for nested in _codes(code)
        for instruction in dis.get_instructions(nested)
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }


def is_stand_in(value: Any) -> bool:
    """A module object of a subclass: ``chalicelib.lazy``'s stand-in (importlib's ``LazyLoader``
    module in older code), not loaded yet or loaded through it."""
    return isinstance(value, ModuleType) and type(value) is not ModuleType


def _name(module: ModuleType) -> str:
    """The module's name, read without loading it (any attribute read loads a LazyLoader one)."""
    return str(object.__getattribute__(module, "__dict__")["__name__"])


def stand_ins(namespace: dict[str, Any]) -> list[str]:
    """Modules that the lazy stand-ins of ``namespace`` would import."""
    return sorted(_name(value) for value in namespace.values() if is_stand_in(value))


def roots(handlers: Iterable[Callable[..., Any]]) -> list[str]:
    """What the handlers' code reaches lazily: the stand-ins it names, and those of the modules
    it names (``console_guard.checked`` reads the guard's stand-ins)."""
    found: set[str] = set()
    for handler in handlers:
        namespace = handler.__globals__
        for name in _global_names(handler) & namespace.keys():
            value = namespace[name]
            if isinstance(value, ModuleType):
                named = stand_ins({name: value})
                found.update(named or stand_ins(vars(value)))
    return sorted(found)


def _ours(name: str, ours: tuple[str, ...]) -> bool:
    return name.partition(".")[0] in ours


def first_call(modules: Iterable[str], ours: tuple[str, ...] = OURS) -> list[str]:
    """Import ``modules``, then the stand-ins of each and of every module of ours (top-level
    package in ``ours``) those imports loaded, until none is left; the lazily imported modules,
    in import order."""
    pending, done = list(modules), []
    while pending:
        name = pending.pop(0)
        if name in done:
            continue
        before = set(sys.modules)
        module = importlib.import_module(name)
        getattr(module, "__name__")  # noqa: B009 (a LazyLoader module runs on its first read)
        done.append(name)
        new = [sys.modules[n] for n in sorted(set(sys.modules) - before) if _ours(n, ours)]
        for loaded in [module, *new]:
            if not is_stand_in(loaded):  # a stand-in's own namespace would load it
                pending += [m for m in stand_ins(vars(loaded)) if m not in done]
    return done


def main(argv: list[str]) -> None:
    import app

    if argv[0] == "list":
        found = [
            {"name": f.name, "kind": f.kind, "roots": roots(f.handlers)} for f in lambdas(app.app)
        ]
        print(json.dumps(found))
    else:  # closure ROOT…
        print(json.dumps(first_call(argv[1:])))


if __name__ == "__main__":
    main(sys.argv[1:])

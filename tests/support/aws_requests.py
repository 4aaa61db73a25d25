"""Count the AWS requests the product makes, from botocore's own event hooks (as ``make bench``
does): nothing is replaced, every client created inside the block gets a ``before-call`` hook."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session

from chalicelib import aws
from chalicelib.store import writes
from chalicelib.store.tables import reset_connections

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@contextmanager
def hooked(hook: Callable[[Any], None]) -> Iterator[None]:
    """Inside the block, ``hook(client)`` runs on every new botocore client (to register its event
    handlers); the clients made before are dropped, so the product makes new ones."""
    original = botocore.session.Session.create_client

    def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(session, *args, **kwargs)
        hook(client)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    _fresh_clients()
    try:
        yield
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]
        _fresh_clients()


@contextmanager
def counted() -> Iterator[Counter[str]]:
    """``with counted() as calls:`` — ``calls["dynamodb.BatchWriteItem"]`` etc."""
    calls: Counter[str] = Counter()

    def hook(client: Any) -> None:
        service = client.meta.service_model.service_name

        def count(model: Any, **_: Any) -> None:
            calls[f"{service}.{model.name}"] += 1

        client.meta.events.register("before-call", count)

    with hooked(hook):
        yield calls


def dynamodb_writes(calls: Counter[str]) -> int:
    return sum(n for name, n in calls.items() if name.removeprefix("dynamodb.") in WRITES)


def _fresh_clients() -> None:
    reset_connections()
    aws._clients.clear()
    writes._connections.clear()  # transactions go through the store's own cached connection


@contextmanager
def before_first_write(table_part: str, action: Callable[[], object]) -> Iterator[list[str]]:
    """``action()`` runs once, just before the first DynamoDB write request naming a table that
    contains ``table_part`` (what another Lambda could do at that very moment: nothing of ours is
    replaced, the request then goes as it was). Yields the operations seen (the first: the one
    the action ran before)."""
    seen: list[str] = []

    def maybe_act(params: dict[str, Any], model: Any, **_: Any) -> None:
        tables = [params.get("TableName") or "", *(params.get("RequestItems") or {})]
        if model.name in WRITES and any(table_part in str(t) for t in tables):
            seen.append(model.name)
            if len(seen) == 1:
                action()

    def hook(client: Any) -> None:
        if client.meta.service_model.service_name == "dynamodb":
            client.meta.events.register("before-parameter-build.dynamodb", maybe_act)

    with hooked(hook):
        yield seen


@contextmanager
def items_read() -> Iterator[Counter[str]]:
    """``with items_read() as read:`` — ``read["items"]``: the DynamoDB items the product read
    (Query/Scan: what DynamoDB evaluated, ``ScannedCount``; GetItem/BatchGetItem: the items
    returned); ``read["requests"]``: the DynamoDB requests. From botocore's ``after-call``."""
    read: Counter[str] = Counter()

    def hook(client: Any) -> None:
        if client.meta.service_model.service_name == "dynamodb":
            client.meta.events.register("after-call", lambda **event: _count_items(read, **event))

    with hooked(hook):
        yield read


def _count_items(read: Counter[str], parsed: dict, model: Any, **_: Any) -> None:
    read["requests"] += 1
    if model.name in ("Query", "Scan"):
        read["items"] += int(parsed.get("ScannedCount", 0))
    elif model.name == "GetItem":
        read["items"] += 1 if parsed.get("Item") else 0
    elif model.name == "BatchGetItem":
        read["items"] += sum(len(found) for found in parsed.get("Responses", {}).values())

"""Make moto's TransactWriteItems cost O(items written) instead of O(table size) (test only).

moto snapshots every table a transaction touches with ``copy.deepcopy`` before writing, so that it
can roll back: with a thousand referrals and messages that is ~0.3 s a transaction on this machine,
and the reliability scenario makes thousands. ``item_level_rollback`` keeps the same all-or-nothing
semantics by snapshotting only the items named in the transaction and restoring exactly those on
cancellation. Like moto's own rollback, it is correct only when requests reach moto one at a time,
which the fault proxy guarantees (``FaultProxy(serialize=True)``).

This changes how the emulator keeps its undo log, never what the product sends or receives.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.exceptions import (
    MockValidationException,
    MultipleTransactionsException,
    TransactionCanceledException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

ROLLED_BACK = (TransactionCanceledException, MultipleTransactionsException, MockValidationException)


def _key_of(table: Table, operation: dict) -> tuple[DynamoType, DynamoType | None] | None:
    attrs = operation.get("Key") or operation.get("Item") or {}
    if table.hash_key_attr not in attrs:
        return None
    hash_value = DynamoType(attrs[table.hash_key_attr])
    range_value = None
    if table.range_key_attr is not None:
        if table.range_key_attr not in attrs:
            return None
        range_value = DynamoType(attrs[table.range_key_attr])
    return hash_value, range_value


def _restore(table: Table, hash_value: DynamoType, range_value: DynamoType | None, saved) -> None:
    if range_value is None:
        if saved is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = saved
        return
    partition = table.items[hash_value]
    if saved is None:
        partition.pop(range_value, None)
    else:
        partition[range_value] = saved


def _copy_except_tables(value: Any, memo: dict | None = None) -> Any:
    """moto's ``copy.deepcopy`` of whole tables becomes a no-op; every other copy stays real."""
    if isinstance(value, Table):
        return value
    return copy.deepcopy(value, memo)


@contextmanager
def item_level_rollback() -> Iterator[None]:
    original = DynamoDBBackend.transact_write_items
    real_copy_module = dynamodb_models.copy

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for item in transact_items:
            _, operation = next(iter(item.items()))
            table = self.tables.get(operation.get("TableName"))
            key = _key_of(table, operation) if table is not None else None
            if table is None or key is None:
                continue
            current = table.get_item(*key)
            saved.append((table, *key, copy.deepcopy(current)))
        try:
            original(self, transact_items)
        except ROLLED_BACK:
            for table, hash_value, range_value, before in reversed(saved):
                _restore(table, hash_value, range_value, before)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    dynamodb_models.copy = SimpleNamespace(deepcopy=_copy_except_tables)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = original  # type: ignore[method-assign]
        dynamodb_models.copy = real_copy_module  # type: ignore[attr-defined]

"""DynamoDB TransactWriteItems for the embedded endpoint: rolls back the items it touched, not
whole tables.

moto (5.2) deep-copies every table a transaction names before applying it, on every transaction,
and puts the copies back when one of its writes fails. At a real department's size (20,000 youths,
thousands of referrals) each referral created copied the whole youths and referrals tables:
seconds of CPU and hundreds of MB churned per transaction, until ``make run`` was killed. This is
moto's algorithm step for step (same checks, same order, same errors and cancellation reasons),
except the snapshot: a deep copy of each item the transaction names (or ``None`` when absent),
and exactly those items put back on failure.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from chalicelib.local import queries

MAX_ITEMS = 100
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})
_ItemKey = tuple[str, DynamoType, DynamoType | None]
Reason = tuple[str | None, str | None, dict[str, Any] | None]


def install() -> None:
    """Every moto DynamoDB backend of this process uses the item-level rollback (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """``DynamoDBBackend.transact_write_items``, with the item-level snapshot."""
    if len(transact_items) > MAX_ITEMS:
        raise TooManyTransactionsException()
    saved = _snapshot(self, transact_items)
    targets: set[tuple[str, str]] = set()
    try:
        reasons = [_apply(self, entry, targets) for entry in transact_items]
    except MockValidationException:  # the whole request is invalid: nothing of it stays
        _restore(saved)
        raise
    if any(code is not None for code, _, _ in reasons):
        _restore(saved)
        raise TransactionCanceledException(reasons)


def _apply(backend: DynamoDBBackend, entry: dict[str, Any], targets: set) -> Reason:
    """One write of the transaction: its cancellation reason, ``(None, None, None)`` when done.
    A validation error (several operations in one entry, one item named twice) is raised."""
    if len(entry) > 1:
        raise TransactWriteSingleOpException()
    old: dict[str, Any] | None = None
    try:
        op_type, op = next(iter(entry.items()))
        if op_type not in _OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        key = _key_of(backend, op_type, op)
        _claim(targets, op["TableName"], key)
        current = backend.get_item(op["TableName"], key)
        if not _condition_holds(op, current):
            if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                old = current.to_json()["Attributes"]
            raise ConditionalCheckFailed(item=old)
        _write(backend, op_type, key, op)
    except MockValidationException:
        raise
    except ConditionalCheckFailed as error:
        return ("ConditionalCheckFailed", str(error.message), old)
    except Exception as error:  # moto reports any other failure as a cancellation reason
        return (type(error).__name__, str(error), old)
    return (None, None, None)


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    attrs, table = op["Item"], backend.get_table(op["TableName"])
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _claim(targets: set, table_name: str, key: dict[str, Any]) -> None:
    target = (str(table_name), str(dict(sorted(key.items()))))
    if target in targets:
        raise MultipleTransactionsException()
    targets.add(target)


def _condition_holds(op: dict[str, Any], current: Item | None) -> bool:
    condition = op.get("ConditionExpression")
    if condition is None:
        return True
    expression = get_filter_expression(
        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    )
    return bool(expression.expr(current))


def _write(backend: DynamoDBBackend, op_type: str, key: dict[str, Any], op: dict) -> None:
    expression: dict[str, Any] = {
        "condition_expression": op.get("ConditionExpression"),
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        backend.put_item(op["TableName"], op["Item"], **expression)
    elif op_type == "Delete":
        backend.delete_item(op["TableName"], key, **expression)
    elif op_type == "Update":
        backend.update_item(
            op["TableName"], key, update_expression=op["UpdateExpression"], **expression
        )


def _snapshot(
    backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> dict[_ItemKey, tuple[Table, Item | None]]:
    """Each item the transaction names as it is now: a deep copy (moto's updates change items in
    place), or ``None`` when absent. An entry whose table or key cannot be read is left out: that
    write fails before changing anything."""
    saved: dict[_ItemKey, tuple[Table, Item | None]] = {}
    for entry in transact_items:
        for op_type, op in entry.items():
            try:
                table = backend.get_table(op["TableName"])
                hash_key, range_key = backend.get_keys_value(table, _key_of(backend, op_type, op))
            except Exception:
                continue
            if (op["TableName"], hash_key, range_key) not in saved:
                item = copy.deepcopy(table.get_item(hash_key, range_key))
                saved[(op["TableName"], hash_key, range_key)] = (table, item)
    return saved


def _restore(saved: dict[_ItemKey, tuple[Table, Item | None]]) -> None:
    """Puts back exactly the items of the snapshot (no stream record: nothing happened)."""
    for (_, hash_key, range_key), (table, item) in saved.items():
        if range_key is None:
            items: dict = table.items
            position: DynamoType = hash_key
        else:
            items, position = table.items[hash_key], range_key
        with queries.changing(table):
            if item is None:
                items.pop(position, None)
            else:
                items[position] = item

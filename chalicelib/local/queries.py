"""DynamoDB Query for the embedded endpoint: a partition sorted once, read from where pages start.

moto (5.2) answers every Query by sorting every item of the table (``Table.all_items``), walking
them all for the partition, sorting that again and walking it from its start to the
ExclusiveStartKey: at a real department's size (20,000 youths) a 100-row page of the console's
list took 6 to 34 s. Here a partition (the items of one hash value, of the table or of one index)
is sorted once, kept on the table until a write to that table, and a page starts where a bisection
puts it. The answer is moto's, step for step: the same members (sparse indexes included), the same
order, the same Limit, 1 MB, LastEvaluatedKey, ScannedCount, projections, and FilterExpression
applied after Limit. Any query outside the plain shape (several key attributes, legacy
KeyConditions, a key condition on another attribute, errors to raise) keeps moto's own query.
"""

from __future__ import annotations

import copy
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import RESULT_SIZE_LIMIT, GlobalSecondaryIndex, Table

# DynamoDB refuses an item above 400 KB: once a page holds less than 1 MB minus that, no item
# further on can stop it at the size limit.
MAX_ITEM_SIZE = 400 * 1024

_moto_query = Table.query
_moto_put_item = Table.put_item
_moto_delete_item = Table.delete_item
_moto_update_item = DynamoDBBackend.update_item
_STATE = "_relais_partitions"
_state_lock = threading.Lock()


def install() -> None:
    """Every moto table of this process answers Query through the kept partitions, and every
    write to a table forgets that table's partitions (idempotent)."""
    Table.query = query  # type: ignore[method-assign]
    Table.put_item = _put_item  # type: ignore[method-assign]
    Table.delete_item = _delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = _update_item  # type: ignore[method-assign]


@dataclass
class _Partition:
    """One partition in the order of moto's sort: its items, their sort keys (native values of
    moto's sort attributes) and the values the key condition compares, for bisection."""

    items: list[Item]
    keys: list[tuple]
    ranges: list[Any]
    stamp: int
    sizes: list[int] = field(default_factory=list)  # moto's Item.size, measured once (-1: not yet)

    def size(self, position: int) -> int:
        if not self.sizes:
            self.sizes = [-1] * len(self.items)
        if self.sizes[position] < 0:
            self.sizes[position] = self.items[position].size()
        return self.sizes[position]


@dataclass
class _Kept:
    """A table's sorted partitions, valid while no write to the table started since."""

    started: int = 0
    finished: int = 0
    partitions: dict[tuple, _Partition] = field(default_factory=dict)


def _kept(table: Table) -> _Kept:
    kept = table.__dict__.get(_STATE)
    if kept is None:
        with _state_lock:
            kept = table.__dict__.setdefault(_STATE, _Kept())
    return kept


@contextmanager
def changing(table: Table) -> Iterator[None]:
    """Around any change to a table's items (moto's updates change items in place)."""
    kept = _kept(table)
    kept.started += 1
    try:
        yield
    finally:
        kept.partitions = {}
        kept.finished += 1


def _put_item(self: Table, *args: Any, **kwargs: Any) -> Item:
    with changing(self):
        return _moto_put_item(self, *args, **kwargs)


def _delete_item(self: Table, *args: Any, **kwargs: Any) -> Item | None:
    with changing(self):
        return _moto_delete_item(self, *args, **kwargs)


def _update_item(self: DynamoDBBackend, table_name: str, *args: Any, **kwargs: Any) -> Item:
    try:
        table = self.get_table(table_name)
    except Exception:  # moto's own update raises the same error
        return _moto_update_item(self, table_name, *args, **kwargs)
    with changing(table):
        return _moto_update_item(self, table_name, *args, **kwargs)


@dataclass(frozen=True)
class _Plan:
    """How moto reads one query: which items, sorted by what, compared on which attribute."""

    index_name: str | None
    hash_attr: str  # for a table query: the table's hash key (items[hash value])
    hash_value: DynamoType
    sort_attrs: list[str]
    range_attr: str | None  # the attribute every member has and the key condition compares
    required: tuple[str, ...]  # attributes a member must have (an index's keys)


def query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
    range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    """``Table.query``, moto's answer from a kept partition when the query has the plain shape."""
    plan = None
    if not filter_kwargs and limit != 0 and len(range_key_conditions or []) <= 1:
        plan = _plan(self, hash_key, index_name, consistent_read, hash_key_conditions)
    compared = [name for name, _, _ in range_key_conditions or []]
    if plan is not None and (range_comparison or compared) and compared != [plan.range_attr]:
        plan = None  # a comparison moto refuses, or on another attribute than the sort key
    found = None
    if plan is not None:
        with suppress(TypeError, KeyError):  # values of unexpected types: moto answers (or fails)
            found = _read(self, plan, range_comparison, range_objs, limit,
                          exclusive_start_key, scan_index_forward)  # fmt: skip
    if plan is not None and found is not None:
        return _finish(self, plan, found, filter_expression, projection_expressions)
    return _moto_query(
        self,
        hash_key,
        range_comparison,
        range_objs,
        limit,
        exclusive_start_key,
        scan_index_forward,
        projection_expressions,
        index_name,
        consistent_read,
        filter_expression,
        hash_key_conditions=hash_key_conditions,
        range_key_conditions=range_key_conditions,
        **filter_kwargs,
    )


def _plan(
    table: Table,
    hash_key: DynamoType | None,
    index_name: str | None,
    consistent_read: bool,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
) -> _Plan | None:
    if index_name is None:
        if hash_key is None:
            return None
        return _Plan(
            None,
            table.hash_key_attr,
            hash_key,
            [a for a in (table.hash_key_attr, table.range_key_attr) if a],
            table.range_key_attr,
            (),
        )
    index = {i.name: i for i in table.all_indexes()}.get(index_name)
    if index is None or (consistent_read and index in table.global_indexes):
        return None  # moto raises its validation error
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    conditions = hash_key_conditions or []
    if len(hashes) != 1 or len(ranges) > 1 or [name for name, _ in conditions] != hashes:
        return None
    # moto's sort attributes for an index (Table.query, _generate_attr_to_sort_by)
    if ranges:
        range_attrs: list[str | None] = [ranges[0], table.range_key_attr]
    elif isinstance(index, GlobalSecondaryIndex) and table.range_key_attr:
        range_attrs = [table.range_key_attr, table.range_key_attr]
    else:
        range_attrs = [table.hash_key_attr, table.range_key_attr]
    sort_attrs = table._generate_attr_to_sort_by([hashes[0], table.hash_key_attr], range_attrs)
    return _Plan(
        index_name,
        hashes[0],
        conditions[0][1],
        sort_attrs,
        ranges[0] if ranges else None,
        tuple(ranges),
    )


def _partition(table: Table, plan: _Plan) -> _Partition:
    """The plan's partition sorted as moto sorts it, kept until the table's next write."""
    kept = _kept(table)
    stamp, settled = kept.started, kept.finished
    key = (plan.index_name, plan.hash_value.type, plan.hash_value.cast_value)
    found = kept.partitions.get(key)
    if found is not None and found.stamp == stamp == settled:
        return found
    members = _members(table, plan)
    keyed = sorted(
        ((tuple(item.attrs[a].cast_value for a in plan.sort_attrs), item) for item in members),
        key=lambda pair: pair[0],
    )
    items = [item for _, item in keyed]
    ranges = [_range_value(item, plan) for item in items]
    built = _Partition(items, [k for k, _ in keyed], ranges, stamp)
    if stamp == settled == kept.started:  # no write began while it was read
        kept.partitions[key] = built
    return built


def _members(table: Table, plan: _Plan) -> list[Item]:
    if plan.index_name is None:
        found = table.items.get(plan.hash_value)
        if found is None:
            return []
        candidates = list(found.values()) if table.range_key_attr else [found]
        return [item for item in candidates if isinstance(item, Item)]
    if table.range_key_attr:
        everything = [item for group in list(table.items.values()) for item in list(group.values())]
    else:
        everything = list(table.items.values())
    wanted, required = plan.hash_value, plan.required
    # moto's membership: the hash value present and equal, every range key present (sparse)
    return [
        item
        for item in everything
        if isinstance(item, Item)
        and (value := item.attrs.get(plan.hash_attr))
        and value == wanted
        and all(item.attrs.get(name) for name in required)
    ]


def _range_value(item: Item, plan: _Plan) -> Any:
    value = item.attrs.get(plan.range_attr) if plan.range_attr else None
    return None if value is None else value.cast_value


@dataclass
class _Found:
    items: list[Item]
    scanned: int
    last_key: dict[str, Any] | None


def _read(
    table: Table,
    plan: _Plan,
    comparison: str | None,
    bounds: list[DynamoType],
    limit: int | None,
    start_key: dict[str, Any] | None,
    forward: bool,
) -> _Found | None:
    """moto's walk of the sorted partition, from the first item it would keep."""
    partition = _partition(table, plan)
    walk = _order(partition, plan, comparison, bounds, start_key, forward is not False)
    if walk is None:
        return None
    order, headless = walk
    results: list[Item] = []
    size = 0
    for position in order:
        item, item_size = partition.items[position], partition.size(position)
        if len(results) == limit or size + item_size > RESULT_SIZE_LIMIT:
            last_key = table._get_last_evaluated_key(results[-1], plan.index_name)
            return _Found(results, len(results), last_key)
        if comparison is None or _matches(item, plan, comparison, bounds):
            results.append(item)
            size += item_size
        elif (headless or results) and size <= RESULT_SIZE_LIMIT - MAX_ITEM_SIZE:
            break  # past the key condition's items: nothing further is kept or stops the page
    return _Found(results, len(results), None)


def _matches(item: Item, plan: _Plan, comparison: str, bounds: list[DynamoType]) -> bool:
    value = item.attrs.get(plan.range_attr) if plan.range_attr else None
    return bool(value) and bool(value.compare(comparison, bounds))  # type: ignore[union-attr]


def _order(
    partition: _Partition,
    plan: _Plan,
    comparison: str | None,
    bounds: list[DynamoType],
    start_key: dict[str, Any] | None,
    forward: bool,
) -> tuple[range, bool] | None:
    """The positions moto walks after the ExclusiveStartKey, less those before the key
    condition's first item (none of them is kept, none can stop the page); and whether every
    item walked that the condition refuses comes after its items."""
    count = len(partition.items)
    first, last = 0, count - 1
    if start_key:
        if any(a not in start_key for a in plan.sort_attrs):
            return None
        key = tuple(DynamoType(start_key[a]).cast_value for a in plan.sort_attrs)
        if forward:
            first = bisect_right(partition.keys, key)
        else:
            last = bisect_left(partition.keys, key) - 1
    if comparison is None:
        return (range(first, count) if forward else range(last, -1, -1)), True
    op, values = comparison.upper(), [bound.cast_value for bound in bounds]
    if forward:
        before = _before(op, values)
        if before is not None:
            first = max(first, _first(partition.ranges, lambda value: not before(value)))
        return range(first, count), before is not None or op in ("LT", "LE")
    after = _after(op, values)
    if after is not None:
        last = min(last, _first(partition.ranges, after) - 1)
    return range(last, -1, -1), after is not None or op in ("GT", "GE")


def _before(op: str, values: list[Any]) -> Callable[[Any], bool] | None:
    """Whether a value sorts before every value the comparison accepts (None: none does)."""
    if op in ("EQ", "GE", "BETWEEN") or (op == "BEGINS_WITH" and isinstance(values[0], str)):
        return lambda value: value < values[0]
    if op == "GT":
        return lambda value: value <= values[0]
    return None


def _after(op: str, values: list[Any]) -> Callable[[Any], bool] | None:
    """Whether a value sorts after every value the comparison accepts (None: none does)."""
    if op in ("EQ", "LE"):
        return lambda value: value > values[0]
    if op == "LT":
        return lambda value: value >= values[0]
    if op == "BETWEEN":
        return lambda value: value > values[1]
    if op == "BEGINS_WITH" and isinstance(values[0], str):
        prefix = values[0]
        return lambda value: not (value < prefix or value.startswith(prefix))
    return None


def _first(values: list[Any], predicate: Callable[[Any], bool]) -> int:
    """The first position whose value meets the predicate, False then True along the sorted
    values (``len(values)`` when none does)."""
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if predicate(values[middle]):
            high = middle
        else:
            low = middle + 1
    return low


def _finish(
    table: Table,
    plan: _Plan,
    found: _Found,
    filter_expression: Any,
    projection_expressions: list[list[str]] | None,
) -> tuple[list[Item], int, dict[str, Any] | None]:
    """What moto does to the page it kept: copies, the index's projection, FilterExpression
    (after Limit, as DynamoDB), then ProjectionExpression."""
    results = copy.deepcopy(found.items)
    if plan.index_name:
        index = table.get_index(plan.index_name)
        results = [index.project(item) for item in results]
    if filter_expression is not None:
        results = [item for item in results if filter_expression.expr(item)]
    if projection_expressions:
        results = [item.project(projection_expressions) for item in results]
    return results, found.scanned, found.last_key

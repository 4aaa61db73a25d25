"""DynamoDB item reads answered as plain JSON by the embedded endpoint.

moto (5.2) writes every answer through its generic serializer, which walks botocore's output
shape value by value: for Query, Scan, GetItem and BatchGetItem, whose answers are items (maps of
attribute values, already in DynamoDB's JSON form once moto has expanded them), that walk was
most of the endpoint's CPU at a real department's size (a 1 MB page of messages or youths took
seconds). Their answer is the same JSON written directly: attribute values as DynamoDB writes
them, binary values in base64, absent members left out. Errors and every other operation keep
moto's serializer.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from moto.core.responses import ActionContext
from moto.dynamodb.responses import DynamoResult

ITEM_READS = frozenset({"Query", "Scan", "GetItem", "BatchGetItem"})
CONTENT_TYPE = "application/x-amz-json-1.0"

_moto_execute_result = DynamoResult.execute_result


def install() -> None:
    """Every DynamoDB answer of this process's moto goes through ``execute_result`` (idempotent)."""
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign,assignment]


def execute_result(self: DynamoResult, context: ActionContext) -> Any:
    if context.operation_model.name not in ITEM_READS or not isinstance(self.result, dict):
        return _moto_execute_result(self, context)
    answer = {name: value for name, value in self.result.items() if value is not None}
    body = json.dumps(answer, default=_json_value, separators=(",", ":"))
    return 200, {"Content-Type": CONTENT_TYPE}, body


def _json_value(value: object) -> object:
    """What ``json`` cannot write itself: binary attribute values (base64, as DynamoDB sends
    them) and binary sets."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")

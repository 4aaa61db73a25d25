"""What the product asks of AWS, counted from botocore's own event hooks.

Every botocore client created while the meter is installed (boto3's and PynamoDB's alike, the
TransactWrite connections included) gets two hooks: ``provide-client-params`` (the request, to
count written items and their sizes) and ``after-call`` (the parsed answer, to count items read).
No call is replaced or skipped: the hooks only look.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.session

DYNAMODB_WRITES = {
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
}
DYNAMODB_READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
GSM_SINGLE, GSM_PART = 160, 153


def item_size(item: dict[str, Any]) -> int:
    """The size DynamoDB bills for an item in wire format (names + values, AWS's rules)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        digits = content.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in content.items())
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in content)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: element}) for element in content)
    return 0


def sms_segments(text: str) -> int:
    """Parts billed for one SMS (GSM-7: 160 characters alone, 153 a part when split)."""
    return 1 if len(text) <= GSM_SINGLE else math.ceil(len(text) / GSM_PART)


@dataclass
class Reading:
    """Counts over an interval. Keys: ``(service, operation)`` or a table name."""

    calls: Counter = field(default_factory=Counter)
    items_read: Counter = field(default_factory=Counter)  # table -> items returned
    items_scanned: Counter = field(default_factory=Counter)  # table -> items evaluated (Query)
    bytes_read: Counter = field(default_factory=Counter)  # table -> size of what was returned
    items_written: Counter = field(default_factory=Counter)  # table -> items in write requests
    puts: Counter = field(default_factory=Counter)  # table -> full items put (size known)
    put_bytes: Counter = field(default_factory=Counter)  # table -> their total size
    transact_items: Counter = field(default_factory=Counter)  # table -> writes in transactions
    condition_checks: Counter = field(default_factory=Counter)  # table -> transaction checks
    gsi_entries: Counter = field(default_factory=Counter)  # table -> GSIs the puts belong to
    emails: int = 0  # recipients of sent emails (what SES bills)
    email_bytes: int = 0
    sms: int = 0
    sms_segments: int = 0

    def requests(self, service: str = "dynamodb", operations: set[str] | None = None) -> int:
        return sum(
            n
            for (svc, op), n in self.calls.items()
            if svc == service and (operations is None or op in operations)
        )

    @property
    def dynamodb_reads(self) -> int:
        return self.requests("dynamodb", DYNAMODB_READS)

    @property
    def dynamodb_writes(self) -> int:
        return self.requests("dynamodb", DYNAMODB_WRITES)

    @property
    def provider_calls(self) -> int:
        return self.requests("ses", {"SendRawEmail", "SendEmail"}) + self.requests(
            "sns", {"Publish"}
        )

    def read_of(self, suffix: str) -> int:
        """Items read from the table whose name ends with ``-{suffix}``."""
        return sum(n for table, n in self.items_read.items() if table.endswith(f"-{suffix}"))

    def minus(self, before: Reading) -> Reading:
        result = Reading()
        for name in _COUNTERS:
            setattr(result, name, getattr(self, name) - getattr(before, name))
        for name in _NUMBERS:
            setattr(result, name, getattr(self, name) - getattr(before, name))
        return result

    def copy(self) -> Reading:
        result = Reading()
        for name in _COUNTERS:
            setattr(result, name, Counter(getattr(self, name)))
        for name in _NUMBERS:
            setattr(result, name, getattr(self, name))
        return result

    def summary(self) -> dict[str, Any]:
        return {
            "dynamodb_requests": self.requests("dynamodb"),
            "dynamodb_reads": self.dynamodb_reads,
            "dynamodb_writes": self.dynamodb_writes,
            "items_read": sum(self.items_read.values()),
            "items_written": sum(self.items_written.values()),
            "by_operation": {f"{s}.{o}": n for (s, o), n in sorted(self.calls.items())},
            "emails": self.emails,
            "sms": self.sms,
        }


_COUNTERS = (
    "calls",
    "items_read",
    "items_scanned",
    "bytes_read",
    "items_written",
    "puts",
    "put_bytes",
    "transact_items",
    "condition_checks",
    "gsi_entries",
)
_NUMBERS = ("emails", "email_bytes", "sms", "sms_segments")


class AwsMeter:
    """Install once, before the product creates its first client; read with ``measure()``."""

    def __init__(self, gsi_keys: dict[str, list[tuple[str, ...]]] | None = None) -> None:
        self.total = Reading()
        self.gsi_keys = gsi_keys or {}  # table suffix -> key attributes of each of its GSIs
        self._original: Any = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = botocore.session.Session.create_client
        meter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            meter.attach(client)
            return client

        self._original = original
        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params", self._on_params)
        client.meta.events.register("after-call", self._on_answer)

    @contextmanager
    def measure(self) -> Iterator[Reading]:
        """``with meter.measure() as reading:`` — ``reading`` is filled when the block ends."""
        before = self.total.copy()
        reading = Reading()
        try:
            yield reading
        finally:
            delta = self.total.minus(before)
            for name in (*_COUNTERS, *_NUMBERS):
                setattr(reading, name, getattr(delta, name))

    # --- hooks -----------------------------------------------------------------------------
    def _on_params(self, params: dict, model: Any, context: dict, **_: Any) -> None:
        service = model.service_model.service_name
        context["bench_table"] = params.get("TableName")
        if service == "dynamodb":
            self._count_writes(model.name, params)
        elif service == "ses" and model.name in ("SendRawEmail", "SendEmail"):
            recipients = params.get("Destinations") or (params.get("Destination") or {}).get(
                "ToAddresses", []
            )
            self.total.emails += max(1, len(recipients))
            self.total.email_bytes += len((params.get("RawMessage") or {}).get("Data", b""))
        elif service == "sns" and model.name == "Publish" and params.get("PhoneNumber"):
            self.total.sms += 1
            self.total.sms_segments += sms_segments(params.get("Message", ""))

    def _on_answer(self, http_response: Any, parsed: dict, model: Any, context: dict, **_) -> None:
        service = model.service_model.service_name
        self.total.calls[(service, model.name)] += 1
        if service != "dynamodb" or model.name not in DYNAMODB_READS:
            return
        table = context.get("bench_table") or ""
        if model.name in ("Query", "Scan"):
            self._read(table, parsed.get("Items", []))
            self.total.items_scanned[table] += parsed.get("ScannedCount", 0)
        elif model.name == "GetItem":
            self._read(table, [parsed["Item"]] if parsed.get("Item") else [])
        else:  # BatchGetItem / TransactGetItems
            responses = parsed.get("Responses", {})
            if isinstance(responses, dict):
                for name, items in responses.items():
                    self._read(name, items)
            else:
                for answer in responses:
                    self._read(table, [answer["Item"]] if answer.get("Item") else [])

    def _read(self, table: str, items: list[dict]) -> None:
        self.total.items_read[table] += len(items)
        self.total.bytes_read[table] += sum(item_size(item) for item in items)

    def _count_writes(self, operation: str, params: dict) -> None:
        table = params.get("TableName", "")
        if operation == "PutItem":
            self._put(table, params["Item"])
        elif operation in ("UpdateItem", "DeleteItem"):
            self.total.items_written[table] += 1
        elif operation == "BatchWriteItem":
            for name, requests in params.get("RequestItems", {}).items():
                for request in requests:
                    if "PutRequest" in request:
                        self._put(name, request["PutRequest"]["Item"])
                    else:
                        self.total.items_written[name] += 1
        elif operation == "TransactWriteItems":
            for entry in params.get("TransactItems", []):
                kind, body = next(iter(entry.items()))
                name = body.get("TableName", "")
                if kind == "ConditionCheck":
                    self.total.condition_checks[name] += 1
                    continue
                self.total.transact_items[name] += 1
                if kind == "Put":
                    self._put(name, body["Item"])
                else:
                    self.total.items_written[name] += 1

    def _put(self, table: str, item: dict) -> None:
        self.total.items_written[table] += 1
        self.total.puts[table] += 1
        self.total.put_bytes[table] += item_size(item)
        suffix = table.rsplit("-", 1)[-1]
        self.total.gsi_entries[table] += sum(
            1 for keys in self.gsi_keys.get(suffix, []) if all(key in item for key in keys)
        )

"""A raw DynamoDB table for the embedded endpoint's own tests (not one of the product's)."""

from __future__ import annotations

from typing import Any


def create_table(client: Any, name: str, hash_key: str, range_key: str | None = None) -> None:
    """An on-demand table keyed by string attributes ``hash_key`` (and ``range_key``)."""
    keys = [(hash_key, "HASH"), *([(range_key, "RANGE")] if range_key else [])]
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys],
        BillingMode="PAY_PER_REQUEST",
    )

"""Every table, for provisioning and for tests that reset the storage between scenarios.

Provisioning (outside the store) creates the missing tables here and reads each table's schema as
plain data (``TableSchema``) to add the indexes an older table lacks: the models stay in the
store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from chalicelib.store.models import ALL_MODELS

__all__ = ["TableSchema", "create_missing", "reset_connections", "schemas"]


@dataclass(frozen=True)
class TableSchema:
    """A table's name and its schema as PynamoDB states it (``attribute_definitions``,
    ``key_schema``, ``global_secondary_indexes``)."""

    name: str
    schema: dict[str, Any]


def create_missing() -> list[str]:
    """Create each table that does not exist yet (on-demand capacity), waiting until it is
    active; the names of those created."""
    created = []
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
            created.append(model.Meta.table_name)
    return created


def schemas() -> list[TableSchema]:
    return [
        TableSchema(model.Meta.table_name, cast(dict[str, Any], model._get_schema()))
        for model in ALL_MODELS
    ]


def reset_connections() -> None:
    """Forget every model's cached PynamoDB connection, so that the next call follows the current
    ``AWS_ENDPOINT_URL`` (PynamoDB caches one connection per model while its table name holds)."""
    for model in ALL_MODELS:
        model._connection = None

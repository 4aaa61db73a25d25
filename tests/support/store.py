"""The whole store, read back: to prove a refused upload wrote nothing at all."""

from __future__ import annotations

from chalicelib.store.models import ALL_MODELS


def snapshot_tables() -> dict[str, list[str]]:
    """Every item of every table, serialised: 'byte for byte' comparison of the store."""
    return {
        model.Meta.table_name: sorted((str(item.serialize()) for item in model.scan()), key=str)
        for model in ALL_MODELS
    }

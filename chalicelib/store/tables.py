"""Every table, for provisioning and for tests that reset the storage between scenarios."""

from __future__ import annotations

from chalicelib.store.models import ALL_MODELS

__all__ = ["ALL_MODELS", "reset_connections"]


def reset_connections() -> None:
    """Forget every model's cached PynamoDB connection, so that the next call follows the current
    ``AWS_ENDPOINT_URL`` (PynamoDB caches one connection per model while its table name holds)."""
    for model in ALL_MODELS:
        model._connection = None

"""Every table, for provisioning and for tests that reset the storage between scenarios."""

from __future__ import annotations

from chalicelib.store.models import ALL_MODELS

__all__ = ["ALL_MODELS"]

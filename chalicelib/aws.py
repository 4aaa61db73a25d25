"""boto3 clients, created once per (service, endpoint, region) and reused across invocations.

Every client honours ``AWS_ENDPOINT_URL`` (the embedded endpoint locally, AWS otherwise).
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from chalicelib import settings

_clients: dict[tuple[str, str | None, str], Any] = {}
_lock = threading.Lock()
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=20
)


def client(service: str) -> Any:
    current = settings.current()
    key = (service, current.endpoint_url, current.region)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                found = boto3.session.Session().client(
                    service,
                    region_name=current.region,
                    endpoint_url=current.endpoint_url,
                    config=_CONFIG,
                )
                _clients[key] = found
    return found

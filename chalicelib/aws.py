"""boto3 clients, created once per (service, endpoint, region) and reused across invocations.

Every client honours ``AWS_ENDPOINT_URL`` (the embedded endpoint locally, AWS otherwise).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
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


def queued_messages(url: str) -> Iterator[dict[str, Any]]:
    """Each message of an SQS queue, received ten at a time until the queue answers none (what
    Lambda's event source mappings do, for the local pump and ``jobs run``). The caller deletes
    each message it is done with: one it leaves comes back after the visibility timeout."""
    sqs = client("sqs")
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        if not batch.get("Messages"):
            return
        yield from batch["Messages"]

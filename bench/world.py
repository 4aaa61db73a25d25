"""The bench's own AWS: an embedded moto endpoint in this process, provisioned like the tests'.

``configure_environment`` must run before anything reads the settings; the meter must be
installed before the product creates its first client.
"""

from __future__ import annotations

import os
import urllib.request
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.local.run import DEFAULT_API_PORT

ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-3",
    # the dev stage's values (.chalice/config.json), which chalice.test.Client applies
    "RELAIS_STAGE": "dev",
    "RELAIS_TABLE_PREFIX": "relais-dev",
    "PUBLIC_BASE_URL": f"http://127.0.0.1:{DEFAULT_API_PORT}",
    "POWERTOOLS_METRICS_NAMESPACE": "RelaisASE",
}


def configure_environment() -> None:
    os.environ.update(ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.setdefault("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # until the server starts


def gsi_keys() -> dict[str, list[tuple[str, ...]]]:
    """Table suffix → the key attributes of each GSI (an item is in a GSI when it has them all)."""
    from chalicelib.store.models import ALL_MODELS

    return {
        model.Meta.suffix: [
            tuple(
                attribute.attr_name
                for attribute in index.Meta.attributes.values()
                if attribute.is_hash_key or attribute.is_range_key
            )
            for index in model._indexes.values()
        ]
        for model in ALL_MODELS
    }


def bench_now() -> datetime:
    """10:00 Paris on the next Tuesday (or today's, if a Tuesday): SMS may go out everywhere."""
    from chalicelib.domain import clock

    today = clock.local_today("59", clock.clock_from(None, None))
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7)
    return clock.clock_from(tuesday, None)


class World:
    """Start, reset and seed the embedded endpoint."""

    def __init__(self) -> None:
        self.server: Any = None

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> None:
        from chalicelib.local.endpoint import EmbeddedAws

        self.server = EmbeddedAws(port=0)
        self.server.start()
        os.environ["AWS_ENDPOINT_URL"] = self.server.url
        self._provision()

    def reset(self) -> None:
        """Empty every resource and provision again (the endpoint keeps running)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
        self._provision()

    def drop_queued_work(self) -> None:
        """Empty the work queues: what a phase queued as a side effect (an upload's prompt-start
        scan) and does not measure — the scan phase measures scans on their own."""
        from chalicelib import aws
        from chalicelib.fanout import work

        for queue in (work.JOBS, work.SENDS):
            aws.client("sqs").purge_queue(QueueUrl=work.queue_url(queue))

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def _provision(self) -> None:
        from chalicelib import tokens
        from chalicelib.provisioning import provision

        tokens.forget_key()
        provision()

    def seed(self, model: Any, items: Any) -> int:
        """Store items straight into the endpoint's DynamoDB backend (this process hosts it).

        Only for bulk data that a measurement does not read: it spares thousands of HTTP round
        trips. Everything measured goes through the product's code over HTTP.
        """
        from moto.dynamodb.models import dynamodb_backends

        table = model.Meta.table_name
        backend = next(
            region_backend
            for regions in dynamodb_backends.values()
            for region_backend in regions.values()
            if table in region_backend.tables
        )
        count = 0
        for item in items:
            backend.put_item(table, item.serialize())
            count += 1
        return count


def add_departments(codes: list[str], names: dict[str, str]) -> None:
    from chalicelib.departments import service as departments

    for code in codes:
        departments.add(code, name=names.get(code, f"Département {code}"), email=_contact(code))


def _contact(code: str) -> str:
    return f"ase@cd{code.lower()}.example.fr"


def today_of(now: datetime, department: str = "59") -> date:
    from chalicelib.domain import clock

    return clock.local_today(department, now)

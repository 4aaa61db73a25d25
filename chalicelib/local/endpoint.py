"""The embedded AWS endpoint: moto in server mode, plus a read-only outbox route.

Used by ``make run`` and by the tests. The outbox route (``GET /_relais/outbox``) lists every email
(SES) and SMS (SNS) the server accepted, oldest first, read from moto's own backends: what the
product really sent, not a copy kept by the product.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from chalicelib.local import heap, item_reads, queries, transactions
from chalicelib.local.outbox import OUTBOX_PATH

OUTBOX_PAGE_PATH = "/_relais/outbox.html"
RESET_PATH = "/moto-api/reset"

# A TransactWriteItems checks its conditions, then writes, then puts back what it touched when one
# fails (``transactions``): a write that another thread lands in between on the same item would be
# silently lost (seen with two partners' clicks at once). DynamoDB serialises writes to an item,
# so the endpoint serialises DynamoDB writes to behave the same; reads stay concurrent.
_DYNAMODB_WRITES = frozenset(
    {"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}
)


def _is_dynamodb_write(environ: dict) -> bool:
    service, _, operation = environ.get("HTTP_X_AMZ_TARGET", "").partition(".")
    return service.startswith("DynamoDB_") and operation in _DYNAMODB_WRITES


# The SigV4 credential scope names the service: only a request to SES or SNS can send something.
# (Collecting after every request walked moto's whole SMS log each time: O(sends) per request.)
_SENDING_SCOPES = ("/ses/aws4_request", "/sns/aws4_request", "/email/aws4_request")


def _may_send(environ: dict) -> bool:
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    return any(scope in authorization for scope in _SENDING_SCOPES)


class _Outbox:
    """Follows moto's SES and SNS backends and records new sends in arrival order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen_email: dict[tuple[str, str], int] = {}
        self._seen_sms: dict[tuple[str, str], int] = {}
        self.records: list[dict[str, Any]] = []

    def reset(self) -> None:
        with self._lock:
            self._seen_email.clear()
            self._seen_sms.clear()
            self.records.clear()

    def collect(self) -> None:
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        with self._lock:
            now = datetime.now(UTC).isoformat()
            for account, region, backend in _backends(ses_backends):
                messages = backend.sent_messages
                start = self._seen_email.get((account, region), 0)
                for message in messages[start:]:
                    self.records.append(_email_record(message, now))
                self._seen_email[(account, region)] = len(messages)
            for account, region, backend in _backends(sns_backends):
                _forget_notifications(backend)
                sms = list(backend.sms_messages.items())
                start = self._seen_sms.get((account, region), 0)
                for message_id, (phone, text) in sms[start:]:
                    self.records.append(
                        {"channel": "sms", "id": message_id, "to": [phone], "text": text, "at": now}
                    )
                self._seen_sms[(account, region)] = len(sms)


# moto keeps every notification published to a topic (for its own tests' inspection): each SES
# event of each email sent, forever. The subscribers (the SES events queue) have them already.
KEPT_NOTIFICATIONS = 100


def _forget_notifications(sns_backend: Any) -> None:
    for topic in list(sns_backend.topics.values()):
        del topic.sent_notifications[:-KEPT_NOTIFICATIONS]


def _backends(registry: Any) -> Iterable[tuple[str, str, Any]]:
    for account, regions in list(registry.items()):
        for region, backend in list(regions.items()):
            yield account, region, backend


def _email_record(message: Any, now: str) -> dict[str, Any]:
    raw = getattr(message, "raw_data", None)
    record: dict[str, Any] = {
        "channel": "email",
        "id": message.id,
        "to": list(getattr(message, "destinations", []) or []),
        "at": now,
    }
    if raw is not None:
        record["raw"] = raw
    else:  # SendEmail (not used by the product, kept for completeness)
        record.update(subject=getattr(message, "subject", ""), text=getattr(message, "body", ""))
    return record


class _QuietHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Access lines would drown the demo's output; errors are still logged."""


class EmbeddedAws(ThreadedMotoServer):
    """A ``ThreadedMotoServer`` on loopback whose app also answers the outbox route."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(ip_address="127.0.0.1", port=port, verbose=False)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        transactions.install()  # not moto's whole-table copies (see the module)
        item_reads.install()  # items answered as JSON, not walked through moto's serializer
        queries.install()  # a partition sorted once, not the whole table on every Query
        self.outbox = _Outbox()

    def _server_entry(self) -> None:
        moto_app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            self._ip_address,
            self._port,
            self._wrap(moto_app),
            True,
            request_handler=_QuietHandler,
        )
        self._server_ready_event.set()
        self._server.serve_forever()

    def _wrap(self, moto_app: Callable) -> Callable:
        outbox = self.outbox
        writes = threading.Lock()

        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path == OUTBOX_PATH:
                outbox.collect()
                body = json.dumps(outbox.records).encode("utf-8")
                start_response("200 OK", [("Content-Type", "application/json")])
                return [body]
            if path == OUTBOX_PAGE_PATH:
                from chalicelib.local.outbox import PAGE_LIMIT, page, parse  # dev-only, on demand

                outbox.collect()
                newest = [parse(record) for record in outbox.records[-PAGE_LIMIT:]]
                body = page(newest, total=len(outbox.records)).encode("utf-8")
                start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
                return [body]
            if path == RESET_PATH:
                outbox.reset()
            try:
                with writes if _is_dynamodb_write(environ) else nullcontext():
                    return list(moto_app(environ, start_response))
            finally:
                if _may_send(environ):
                    outbox.collect()
                heap.settle()

        return app

    @property
    def url(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"

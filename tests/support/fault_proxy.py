"""A fault-injecting HTTP proxy between boto3/PynamoDB and the embedded moto server (test code).

boto3 talks to the proxy (``AWS_ENDPOINT_URL`` = ``proxy.url``); the proxy forwards each request to
moto, except a configurable share of AWS calls that it answers itself with an AWS-shaped error:
HTTP 500/503, or a throttling error (DynamoDB ``ThrottlingException`` /
``ProvisionedThroughputExceededException`` JSON 400, SES/SNS ``Throttling`` XML 400). A failed call
is never forwarded: like a real AWS 5xx returned before processing, it had no effect.

Decisions come from a seeded RNG (deterministic sequence; which request draws which decision depends
on thread interleaving). Calls and failures are counted per operation (``service:Action``, from the
``X-Amz-Target`` header, the ``Action`` form field or the HTTP method). The embedded endpoint's own
routes (``/moto-api``, ``/_relais``) pass through, never failed nor counted.

Loopback only, one request per connection (``Connection: close``), a bounded pool of workers.
With ``serialize`` (the default) requests reach moto one at a time: moto's in-memory backend is not
safe under concurrent requests (a cancelled transaction restores a whole-table snapshot, losing
writes made meanwhile; conditions are checked and applied without a lock), whereas DynamoDB applies
each request atomically. Clients still interleave freely between requests.
"""

from __future__ import annotations

import http.client
import json
import random
import socketserver
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

PASS_THROUGH_PREFIXES = ("/moto-api", "/_relais")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
DYNAMODB_THROTTLES = ("ThrottlingException", "ProvisionedThroughputExceededException")
UPSTREAM_TIMEOUT = 60


@dataclass(frozen=True)
class Fault:
    status: int
    code: str
    throttling: bool


JSON_FAULTS = (
    Fault(500, "InternalServerError", False),
    Fault(503, "ServiceUnavailable", False),
)
XML_FAULTS = (
    Fault(500, "InternalFailure", False),
    Fault(503, "ServiceUnavailable", False),
)


class FaultPlan:
    """How often to fail, and how: ``throttle_share`` of the failures are throttling errors.
    Scripted faults (``script``) come first: the next ``times`` calls of that operation fail so."""

    def __init__(
        self,
        rate: float,
        *,
        seed: int = 20201117,
        throttle_share: float = 0.1,
        only: frozenset[str] | None = None,
    ) -> None:
        self.rate = rate
        self.throttle_share = throttle_share
        self.only = only  # the operations the random faults apply to (None: every one)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._scripted: dict[str, list[Fault]] = {}

    def script(self, operation: str, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._scripted.setdefault(operation, []).extend([fault] * times)

    def draw(self, operation: str, protocol: str) -> Fault | None:
        with self._lock:
            if self._scripted.get(operation):
                return self._scripted[operation].pop(0)
            if self.only is not None and operation not in self.only:
                return None
            if self.rate <= 0 or self._random.random() >= self.rate:
                return None
            if self._random.random() < self.throttle_share:
                if operation.startswith("dynamodb:"):
                    return Fault(400, self._random.choice(DYNAMODB_THROTTLES), True)
                if protocol == "json":
                    return Fault(400, "ThrottlingException", True)
                return Fault(400, "Throttling", True)
            return self._random.choice(JSON_FAULTS if protocol == "json" else XML_FAULTS)


class Tally:
    """Calls and injected failures per operation (thread-safe)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.throttles: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, operation: str, fault: Fault | None) -> None:
        with self._lock:
            self.calls[operation] += 1
            if fault is not None:
                self.failures[operation] += 1
                if fault.throttling:
                    self.throttles[operation] += 1

    def summary(self) -> dict:
        with self._lock:
            return {
                "calls": sum(self.calls.values()),
                "failures": sum(self.failures.values()),
                "throttles": sum(self.throttles.values()),
                "by_operation": {
                    op: {"calls": self.calls[op], "failures": self.failures[op]}
                    for op in sorted(self.calls)
                },
            }


def operation_of(headers: dict[str, str], body: bytes, method: str) -> tuple[str, str]:
    """(``service:Action``, protocol ``json``|``query``|``rest``) of one AWS request."""
    service = _service(headers.get("authorization", ""))
    target = headers.get("x-amz-target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}", "json"
    if "x-www-form-urlencoded" in headers.get("content-type", ""):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        return f"{service}:{action or method}", "query"
    return f"{service}:{method}", "rest"


def _service(authorization: str) -> str:
    try:
        scope = authorization.split("Credential=", 1)[1].split(",", 1)[0]
        return scope.split("/")[3]
    except IndexError:
        return "unsigned"


def error_response(fault: Fault, protocol: str, operation: str) -> tuple[bytes, str]:
    """The body and content type AWS would answer for this fault."""
    if protocol == "json":
        prefix = "com.amazonaws.dynamodb.v20120810#" if operation.startswith("dynamodb:") else ""
        body = {"__type": prefix + fault.code, "message": "Injected fault (test proxy)"}
        return json.dumps(body).encode(), "application/x-amz-json-1.0"
    kind = "Sender" if fault.status < 500 else "Receiver"
    xml = (
        "<ErrorResponse><Error>"
        f"<Type>{kind}</Type><Code>{fault.code}</Code><Message>Injected fault</Message>"
        "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    )
    return xml.encode(), "text/xml"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: workers never wait on idle sockets
    server: _ProxyServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: request lines would carry nothing useful and drown the test output."""

    def _relay(self) -> None:
        body = self._body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path
        if not path.startswith(PASS_THROUGH_PREFIXES):
            operation, protocol = operation_of(headers, body, self.command)
            fault = self.server.plan.draw(operation, protocol)
            self.server.tally.record(operation, fault)
            if fault is not None:
                payload, content_type = error_response(fault, protocol, operation)
                self._answer(fault.status, [("Content-Type", content_type)], payload)
                return
        status, upstream_headers, payload = self.server.forward(
            self.command, path, self.headers.items(), body
        )
        self._answer(status, upstream_headers, payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _relay  # noqa: N815

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


class _ProxyServer(HTTPServer):
    """An HTTP server whose requests run on a bounded thread pool."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self, upstream: str, plan: FaultPlan, tally: Tally, workers: int, *, serialize: bool
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._upstream_lock = threading.Lock() if serialize else None
        parts = urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.plan, self.tally = plan, tally
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fault-proxy")

    def server_bind(self) -> None:
        """Skip ``HTTPServer``'s reverse DNS lookup of the loopback address."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        self._pool.submit(self._serve_one, request, client_address)

    def _serve_one(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def forward(
        self, method: str, path: str, headers: object, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if self._upstream_lock is None:
            return self._forward(method, path, headers, body)
        with self._upstream_lock:
            return self._forward(method, path, headers, body)

    def _forward(
        self, method: str, path: str, headers: object, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(
            self.upstream_host, self.upstream_port, timeout=UPSTREAM_TIMEOUT
        )
        try:
            sent = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}  # type: ignore[attr-defined]
            sent["Content-Length"] = str(len(body))
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=True, cancel_futures=True)


class FaultProxy:
    """Start, tune and stop the proxy. ``rate`` may change while it runs (0 = faults off)."""

    def __init__(
        self,
        upstream: str,
        *,
        rate: float = 0.2,
        seed: int = 20201117,
        workers: int = 32,
        serialize: bool = True,
        throttle_share: float = 0.1,
        only: frozenset[str] | None = None,
    ) -> None:
        self.plan = FaultPlan(rate, seed=seed, throttle_share=throttle_share, only=only)
        self.tally = Tally()
        self._server = _ProxyServer(upstream, self.plan, self.tally, workers, serialize=serialize)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def rate(self) -> float:
        return self.plan.rate

    @rate.setter
    def rate(self, value: float) -> None:
        self.plan.rate = value

    def script(self, operation: str, fault: Fault, times: int = 1) -> None:
        """Fail the next ``times`` calls of ``operation`` (``service:Action``) with ``fault``."""
        self.plan.script(operation, fault, times)

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["Fault", "FaultPlan", "FaultProxy", "Tally", "error_response", "operation_of"]

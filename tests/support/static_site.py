"""A local HTTP server answering one fixed body (test code): another origin for the browser tests,
another OpenID provider's discovery document for the console tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class StaticSite:
    content_type: str
    path: str | None = None  # the one path that answers the body; None: every path
    body: bytes = b""
    port: int = 0

    def serve(self, text: str) -> None:
        self.body = text.encode("utf-8")

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/"


def _handler(site: StaticSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if site.path in (None, self.path) else 404)
            self.send_header("Content-Type", site.content_type)
            self.send_header("Content-Length", str(len(site.body)))
            self.end_headers()
            self.wfile.write(site.body)

        def log_message(self, format: str, *args: object) -> None:
            return  # the test's output stays the test's

    return Handler


@contextmanager
def serving(site: StaticSite) -> Iterator[StaticSite]:
    """``site`` served on a free port of 127.0.0.1 (``site.port``) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""A WSGI app served on loopback by a background thread: the local OpenID provider of ``make run``
and the tests' strict ProConnect-like provider."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        return  # the terminal of ``make run`` and the test output stay readable


class BackgroundServer:
    """``start()`` / ``stop()``; ``port`` once started (0 asks the system for a free one)."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self._app = app
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_port)

    def start(self) -> None:
        self._server = make_server(
            HOST, self._port, self._app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

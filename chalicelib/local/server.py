"""The local API server (``make run``): Chalice's, with API Gateway's answer for an unknown route
as infra/ configures it on AWS (a French 404, ``GatewayResponses`` of RestAPI) instead of the
raw 403 "Missing Authentication Token"."""

from __future__ import annotations

import json
from typing import Any

from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGatewayException,
)

from chalicelib.api.platform import NOT_FOUND


class _FrenchGatewayHandler(ChaliceRequestHandler):
    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError):  # what API Gateway says for a route it lacks
            body = json.dumps(NOT_FOUND, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json; charset=utf-8"}
            self._send_http_response(404, headers, body)
            return
        super()._send_error_response(error)


def create_server(app: Any, config: Any, host: str, port: int) -> LocalDevServer:
    """``chalice.local.create_local_server`` with the French 404."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=_FrenchGatewayHandler)

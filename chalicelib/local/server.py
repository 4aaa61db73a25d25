"""The local API server (``make run``, the tests): Chalice's, with API Gateway's answer for an
unknown route as infra/ configures it on AWS (``GatewayResponses`` of RestAPI: a French 404, a page
for a browser, JSON for an API client) instead of the raw 403 "Missing Authentication Token"."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    NotAuthorizedError,
)

from chalicelib.api import platform


class FrenchGateway(LocalGateway):
    """Chalice's stand-in for API Gateway, answering an unknown route as ours does."""

    def handle_request(self, method: str, path: str, headers: Any, body: Any) -> Any:
        try:
            return super().handle_request(method, path, headers, body)
        except ForbiddenError:  # what API Gateway says for a route it lacks (we have no authorizer)
            accept = next((v for k, v in (headers or {}).items() if k.lower() == "accept"), None)
            status, answer_headers, payload = platform.not_found(accept)
            return {
                "statusCode": status,
                "headers": answer_headers,
                "multiValueHeaders": {},
                "body": payload.decode("utf-8"),
            }
        except NotAuthorizedError:  # no Authorization header: API Gateway's UNAUTHORIZED answer
            return {
                "statusCode": 401,
                "headers": {"Content-Type": "application/json; charset=utf-8"},
                "multiValueHeaders": {},
                "body": json.dumps(platform.MISSING_KEY, ensure_ascii=False),
            }


class _FrenchGatewayHandler(ChaliceRequestHandler):
    # ChaliceRequestHandler.__init__ with our gateway: the request is served inside __init__
    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Any, config: Any
    ) -> None:
        self.local_gateway = FrenchGateway(app_object, config)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)


def use_french_gateway(client: Any) -> Any:
    """A ``chalice.test.Client`` whose HTTP calls go through ``FrenchGateway`` (the tests see
    the unknown-route answer of AWS and ``make run``)."""
    http = client.http
    http._local_gateway = FrenchGateway(client._app, http._config)  # chalice.test has no option
    return client


def create_server(app: Any, config: Any, host: str, port: int) -> LocalDevServer:
    """``chalice.local.create_local_server`` with the French 404."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=_FrenchGatewayHandler)

"""A local OpenID provider for ``make run`` and the tests: the maintained ``oidc-provider-mock``
package (not ours), served in a thread on a free loopback port, with one demo agent per
department. It stands in for ProConnect: the console talks to it exactly as to ProConnect
(discovery, authorization code + PKCE, token, JWKS, userinfo).

On its authorization page, an agent signs in by clicking its email (a predefined user) or typing
it: the mock provider asks for no password.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping

import authlib.deprecate  # noqa: F401  (its "always" filter first, then ours over it)
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

with warnings.catch_warnings():
    # the package still imports authlib's deprecated modules: not our concern, not the agent's
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock

HOST = "127.0.0.1"


def agent_claims(email: str, given_name: str, usual_name: str) -> oidc_provider_mock.User:
    """The claims ProConnect returns for the scopes the console asks."""
    return oidc_provider_mock.User(
        sub=email,
        claims={
            "email": email,
            "given_name": given_name,
            "usual_name": usual_name,
            "siret": "22590001000017",
        },
    )


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        return  # the terminal of ``make run`` and the test output stay readable


class MockProvider:
    """``start()`` / ``stop()``; ``issuer`` is the URL to put in ``OIDC_ISSUER``."""

    def __init__(self, agents: Mapping[str, tuple[str, str]] | None = None, port: int = 0) -> None:
        users = [agent_claims(email, *names) for email, names in (agents or {}).items()]
        self._app = oidc_provider_mock.app(require_nonce=True, user_claims=users)
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        if self._server is None:
            raise RuntimeError("provider not started")
        return f"http://{HOST}:{self._server.server_port}"

    def start(self) -> MockProvider:
        self._server = make_server(
            HOST, self._port, self._app, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

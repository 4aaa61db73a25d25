"""A local OpenID provider for ``make run`` and the tests: the maintained ``oidc-provider-mock``
package (not ours), served in a thread on a free loopback port, with one demo agent per
department. It stands in for ProConnect: the console talks to it exactly as to ProConnect
(discovery, authorization code + PKCE, token, JWKS, userinfo).

On its authorization page, an agent signs in by clicking its email (a predefined user) or typing
it: the mock provider asks for no password.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import authlib.deprecate  # noqa: F401  (its "always" filter first, then ours over it)

from chalicelib.local.background import HOST, BackgroundServer

with warnings.catch_warnings():
    # the package still imports authlib's deprecated modules: not our concern, not the agent's
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock


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


class MockProvider:
    """``start()`` / ``stop()``; ``issuer`` is the URL to put in ``OIDC_ISSUER``."""

    def __init__(self, agents: Mapping[str, tuple[str, str]] | None = None, port: int = 0) -> None:
        users = [agent_claims(email, *names) for email, names in (agents or {}).items()]
        app = oidc_provider_mock.app(require_nonce=True, user_claims=users)
        self._background = BackgroundServer(app, port)

    @property
    def issuer(self) -> str:
        return f"http://{HOST}:{self._background.port}"

    def start(self) -> MockProvider:
        self._background.start()
        return self

    def stop(self) -> None:
        self._background.stop()

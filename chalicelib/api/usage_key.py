"""The usage-key authorizer: names which API Gateway usage-plan key a call counts against.

API Gateway throttles each department's and operator's key apart through a usage plan
(infra/resources.yaml ``ApiUsagePlan``, docs/DEPLOY.md "Per-client limits"). Its key source is this
authorizer (``ApiKeySourceType: AUTHORIZER``), so that callers keep SPEC §4's
``Authorization: Bearer <key>``: the usage key is the SHA-256 of the Bearer key, the hash the keys
table stores and the CLI registers as the API Gateway key's value (``auth.usage_plan``).

It checks nothing and reads nothing: every call is allowed through, the app still answers 401/403
itself. A key API Gateway does not know is refused by API Gateway (``INVALID_API_KEY``, mapped to
SPEC's French 401). Nothing of the token is logged, and nothing but the hash is imported: a
cold start of this Lambda delays a keyed call.
"""

from __future__ import annotations

from typing import Any

from chalice.app import AuthRequest, AuthResponse

from chalicelib.domain.ids import api_key_hash

CACHE_SECONDS = 300  # one invocation per key per 5 minutes at most (API Gateway caches the answer)


class UsageKeyResponse(AuthResponse):
    """Chalice's ``AuthResponse`` with the ``usageIdentifierKey`` it does not carry."""

    def __init__(self, usage_key: str) -> None:
        super().__init__(routes=["*"], principal_id="caller")
        self.usage_key = usage_key

    def to_dict(self, request: AuthRequest) -> dict[str, Any]:
        return {**super().to_dict(request), "usageIdentifierKey": self.usage_key}


def usage_key_of(token: str) -> str:
    """The hash of the key a ``Bearer <key>`` header carries (of the whole value otherwise)."""
    bearer = "Bearer "
    key = token[len(bearer) :] if token.startswith(bearer) else token
    return api_key_hash(key.strip())


def identify(request: AuthRequest) -> UsageKeyResponse:
    return UsageKeyResponse(usage_key_of(request.token or ""))

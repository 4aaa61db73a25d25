"""Each API key's twin in API Gateway: the key that its usage plan throttles apart.

On AWS, API Gateway counts each department's and operator's calls against its own usage-plan key
(docs/DEPLOY.md "Per-client limits"). The authorizer names that key by the SHA-256 of the Bearer
key (``api.usage_key``), so the API Gateway key's value is the hash the keys table stores: API
Gateway never sees a key itself. The stack's usage plan id comes from ``RELAIS_USAGE_PLAN_ID``
(the ``UsagePlanId`` output); without it (``make run``, the tests: no API Gateway) nothing is done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from chalicelib import aws, settings


def _plan_id() -> str | None:
    return settings.current().usage_plan_id


def _name(digest: str) -> str:
    # the same short, non-secret identifier as the audit's actor (auth.keys.authenticate)
    return f"relais-{settings.current().stage}-{digest[:12]}"


def register(digest: str) -> None:
    """The key whose hash is ``digest`` is counted apart by the usage plan."""
    plan = _plan_id()
    if plan is None:
        return
    gateway = aws.client("apigateway")
    created = gateway.create_api_key(name=_name(digest), value=digest, enabled=True)
    gateway.create_usage_plan_key(usagePlanId=plan, keyId=created["id"], keyType="API_KEY")


def unregister(digest: str) -> None:
    """The revoked key's twin goes: API Gateway refuses it before any Lambda runs."""
    plan = _plan_id()
    if plan is None:
        return
    gateway = aws.client("apigateway")
    for twin in _gateway_keys(gateway, name=_name(digest)):
        if twin.get("value") == digest:
            _leave_plan(gateway, plan, twin["id"])
            gateway.delete_api_key(apiKey=twin["id"])


def _leave_plan(gateway: Any, plan: str, key_id: str) -> None:
    """Out of the plan before the key goes (a plan never lists a key that no longer exists); a
    twin that never joined it (a registration cut short) is deleted all the same."""
    with contextlib.suppress(gateway.exceptions.NotFoundException):
        gateway.delete_usage_plan_key(usagePlanId=plan, keyId=key_id)


def register_missing(digests: Iterable[str]) -> int:
    """Registers each of ``digests`` API Gateway does not hold yet (keys issued before the usage
    plan); how many it registered. Running it again registers nothing."""
    if _plan_id() is None:
        return 0
    held = {twin.get("value") for twin in _gateway_keys(aws.client("apigateway"), name=None)}
    missing = [digest for digest in digests if digest not in held]
    for digest in missing:
        register(digest)
    return len(missing)


def _gateway_keys(gateway: Any, *, name: str | None) -> Iterator[dict[str, Any]]:
    query = {"includeValues": True, **({"nameQuery": name} if name else {})}
    for page in gateway.get_paginator("get_api_keys").paginate(**query):
        yield from page.get("items", [])

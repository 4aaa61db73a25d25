"""Tenant isolation (SPEC §4, §8) on every route of app.py, read from the app's own route table:
a route added later is checked without touching this file."""

from __future__ import annotations

import secrets

import pytest

from app import app
from chalicelib.auth.keys import KEY_PREFIX
from chalicelib.store.models import Youth
from tests.support import reporting_world as fw

VALUES = {"{code}": "59", "{id_externe}": "DUE10", "{upload_id}": "upl_unknown"}
OPERATOR_MAY_READ = {("GET", "/departments/{code}/report")}


def routes(prefix: str) -> list[tuple[str, str, str]]:
    """(method, route pattern, content type) of every app route under ``prefix``."""
    found = []
    for pattern, methods in sorted(app.routes.items()):
        if not pattern.startswith(prefix):
            continue
        for method, entry in sorted(methods.items()):
            types = entry.content_types or ["application/json"]
            found.append((method, pattern, "text/csv" if "text/csv" in types else types[0]))
    return found


DEPARTMENT_ROUTES = routes("/departments/{code}")
DIRECTORY_ROUTES = routes("/directory/")
# the loops below check every route: make sure there still are routes to check
assert len(DEPARTMENT_ROUTES) >= 8 and len(DIRECTORY_ROUTES) >= 4


def concrete(pattern: str) -> str:
    for name, value in VALUES.items():
        pattern = pattern.replace(name, value)
    return pattern + ("?department=59" if pattern.endswith("coverage-gaps") else "")


def call(world: fw.World, method: str, pattern: str, content_type: str, authorization: str | None):
    headers = {"Content-Type": content_type}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = b"id_externe,nom\n" if content_type == "text/csv" else b"{}"
    return world.client.http.request(method, concrete(pattern), headers=headers, body=body)


@pytest.fixture
def world(client) -> fw.World:
    world = fw.make_world(client)
    world.upload(fw.base_rows(world.today))
    return world


def test_the_route_table_holds_the_department_and_directory_routes_of_the_spec():
    assert len(DEPARTMENT_ROUTES) >= 8
    assert ("DELETE", "/departments/{code}/youths/{id_externe}", "application/json") in (
        DEPARTMENT_ROUTES
    )
    assert ("GET", "/directory/coverage-gaps", "application/json") in DIRECTORY_ROUTES


def test_another_departments_key_is_refused_on_every_department_route(world):
    for method, pattern, content_type in DEPARTMENT_ROUTES:
        answer = call(world, method, pattern, content_type, f"Bearer {world.other}")
        assert answer.status_code == 403, (method, pattern, answer.status_code)
        assert answer.json_body["error"]["code"] == "forbidden", (method, pattern)
    # and nothing was changed: the youth is still there, the roster was not replaced
    assert Youth.get("59", "DUE10").status == "active"
    assert world.get("/departments/59/youths").json_body["count"] == 6


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-key",
        f"Bearer {KEY_PREFIX}{secrets.token_urlsafe(32)}",  # well formed, never issued
        f"Bearer {KEY_PREFIX}{'x' * 500}",
    ],
    ids=["absent", "empty", "bare", "blank", "basic", "garbage", "unknown", "oversized"],
)
def test_a_missing_or_unknown_key_is_unauthorized_on_every_route(world, authorization):
    for method, pattern, content_type in DEPARTMENT_ROUTES + DIRECTORY_ROUTES:
        answer = call(world, method, pattern, content_type, authorization)
        assert answer.status_code == 401, (method, pattern, answer.status_code)
        assert answer.json_body["error"]["code"] == "unauthorized", (method, pattern)


def test_an_operator_key_opens_no_department_route_but_the_report(world):
    for method, pattern, content_type in DEPARTMENT_ROUTES:
        answer = call(world, method, pattern, content_type, f"Bearer {world.operator}")
        expected = 200 if (method, pattern) in OPERATOR_MAY_READ else 403
        assert answer.status_code == expected, (method, pattern, answer.status_code)
    assert Youth.get("59", "DUE10").status == "active"


def test_a_department_key_cannot_load_the_directory_nor_read_another_departments_gaps(world):
    for method, pattern, content_type in DIRECTORY_ROUTES:
        answer = call(world, method, pattern, content_type, f"Bearer {world.other}")
        assert answer.status_code == 403, (method, pattern, answer.status_code)
        assert answer.json_body["error"]["code"] == "forbidden"


def test_the_departments_own_key_passes_authorization_on_every_department_route(world):
    for method, pattern, content_type in DEPARTMENT_ROUTES:
        if method == "DELETE":
            continue  # erasure has its own tests
        answer = call(world, method, pattern, content_type, f"Bearer {world.key}")
        assert answer.status_code not in (401, 403), (method, pattern, answer.status_code)
        assert answer.status_code < 500, (method, pattern)

"""Per-client throttling (docs/DEPLOY.md "Per-client limits"): each API key has an API Gateway twin
in the stage's usage plan, whose value is the key's hash, kept in step by the key commands when
``RELAIS_USAGE_PLAN_ID`` is set; locally (no usage plan) nothing is made, and a keyed route still
answers the app's own French 401s."""

from __future__ import annotations

import json

import pytest

from chalicelib import aws
from chalicelib.api import platform
from chalicelib.auth import keys
from chalicelib.cli import commands
from chalicelib.departments import service as departments
from tests.support import integration as s


@pytest.fixture
def usage_plan(aws, monkeypatch) -> str:
    plan = aws_gateway().create_usage_plan(name="relais-dev-per-key")["id"]
    monkeypatch.setenv("RELAIS_USAGE_PLAN_ID", plan)
    return plan


def aws_gateway():
    return aws.client("apigateway")


def twins() -> dict[str, str]:
    """API Gateway key value → its id."""
    items = aws_gateway().get_api_keys(includeValues=True)["items"]
    return {item["value"]: item["id"] for item in items}


def in_plan(plan: str) -> set[str]:
    return {item["id"] for item in aws_gateway().get_usage_plan_keys(usagePlanId=plan)["items"]}


def test_a_new_department_key_gets_its_twin_in_the_usage_plan(usage_plan):
    key = s.department_key("59")
    twin = twins()[keys.hash_key(key)]
    assert in_plan(usage_plan) == {twin}
    assert key not in str(aws_gateway().get_api_keys(includeValues=True)["items"])


def test_a_rotation_replaces_the_old_twin_with_the_new_one(usage_plan):
    first = s.department_key("59")
    second = departments.rotate_key("59")
    assert set(twins()) == {keys.hash_key(second)}
    assert in_plan(usage_plan) == {twins()[keys.hash_key(second)]}
    assert keys.hash_key(first) not in twins()


def test_a_revoked_operator_and_a_removed_department_leave_no_twin(usage_plan):
    s.operator_key()
    s.department_key("59")
    assert len(twins()) == 2
    departments.revoke_operator("Equipe Relais")
    departments.remove("59")
    assert twins() == {} and in_plan(usage_plan) == set()


def test_register_keys_gives_each_key_issued_before_the_plan_its_twin_once(
    aws, monkeypatch, capsys
):
    issued = [s.department_key("59"), s.department_key("62", "Pas-de-Calais"), s.operator_key()]
    assert twins() == {}  # issued without a usage plan: nothing made
    plan = aws_gateway().create_usage_plan(name="relais-dev-per-key")["id"]
    monkeypatch.setenv("RELAIS_USAGE_PLAN_ID", plan)

    assert commands.main(["operator", "register-keys"]) == 0
    assert json.loads(capsys.readouterr().out) == {"keys_registered": 3}
    assert set(twins()) == {keys.hash_key(key) for key in issued}
    assert in_plan(plan) == set(twins().values())

    assert commands.main(["operator", "register-keys"]) == 0  # again: nothing more
    assert json.loads(capsys.readouterr().out) == {"keys_registered": 0}
    assert len(twins()) == 3


def test_without_a_usage_plan_no_api_gateway_key_is_made(aws):
    s.department_key("59")
    assert twins() == {}


def test_a_keyed_route_without_a_key_is_the_french_401_api_gateway_also_gives(client):
    answer = client.http.get("/departments/59/youths")
    assert answer.status_code == 401
    assert json.loads(answer.body) == platform.MISSING_KEY


def test_an_unknown_key_passes_the_authorizer_and_the_app_refuses_it_in_french(client):
    answer = client.http.get(
        "/departments/59/youths", headers={"Authorization": "Bearer rase_inconnue"}
    )
    assert answer.status_code == 401
    assert json.loads(answer.body) == platform.UNKNOWN_KEY


def test_a_key_of_another_department_is_still_refused_by_the_app(client):
    key = s.department_key("62", "Pas-de-Calais")
    answer = client.http.get("/departments/59/youths", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 403

"""API Gateway's own answers (infra/resources.yaml ``GatewayResponses``) are French and, for an
unknown path, the very answers ``make run`` and the tests serve (chalicelib/api/platform.py)."""

from __future__ import annotations

import json

import pytest

from chalicelib.api import platform
from tests.support.cfn import RESOURCES, load_template


@pytest.fixture(scope="module")
def responses() -> dict:
    template = load_template(RESOURCES)
    return template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]


def test_an_unknown_path_is_the_same_french_404_on_aws_as_locally(responses):
    missing = responses["MISSING_AUTHENTICATION_TOKEN"]
    assert missing["StatusCode"] == 404
    templates = missing["ResponseTemplates"]
    assert json.loads(templates["application/json"]) == platform.NOT_FOUND
    assert templates["text/html"] == platform.NOT_FOUND_PAGE


@pytest.mark.parametrize(
    "kind", ["MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"]
)
def test_every_gateway_answer_is_french_for_a_browser_and_for_an_api_client(responses, kind):
    templates = responses[kind]["ResponseTemplates"]
    error = json.loads(templates["application/json"])["error"]
    assert error["code"] and "Relais ASE" in templates["text/html"]
    assert any(word in error["message"] for word in ("réessayez", "vérifiez"))
    assert '<html lang="fr">' in templates["text/html"] and "<h1>" in templates["text/html"]
    assert "$" not in templates["text/html"]  # gateway templates substitute $context variables


def test_a_keyed_call_api_gateway_refuses_gets_the_apps_own_french_401(responses):
    # no Authorization header (the authorizer is not called), a key its usage plan lacks
    for kind, body in (
        ("UNAUTHORIZED", platform.MISSING_KEY),
        ("INVALID_API_KEY", platform.UNKNOWN_KEY),
    ):
        assert responses[kind]["StatusCode"] == 401
        assert json.loads(responses[kind]["ResponseTemplates"]["application/json"]) == body


def test_a_key_beyond_its_usage_plan_is_told_to_wait_in_french(responses):
    throttled = responses["THROTTLED"]
    assert throttled["StatusCode"] == 429
    error = json.loads(throttled["ResponseTemplates"]["application/json"])["error"]
    assert error["code"] == "too_many_requests" and "quelques minutes" in error["message"]

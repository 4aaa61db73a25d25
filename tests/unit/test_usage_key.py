"""The usage-key authorizer (app.py ``usage_key``): it names the usage-plan key — the SHA-256 of
the Bearer key, the hash the keys table stores — lets every call through (the app checks the key)
and logs nothing of the key."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.auth import keys

METHOD_ARN = "arn:aws:execute-api:eu-west-3:123456789012:abc123/api/GET/departments/59/youths"


def authorize(token: str) -> dict:
    from app import usage_key

    event = {"type": "TOKEN", "authorizationToken": token, "methodArn": METHOD_ARN}
    return usage_key(event, None)


def test_the_usage_key_is_the_hash_the_keys_table_stores():
    key = keys.new_key()
    assert authorize(f"Bearer {key}")["usageIdentifierKey"] == keys.hash_key(key)


@pytest.mark.parametrize("token", ["Bearer rase_unknown", "Basic dXNlcjpwdw==", "Bearer ", "x"])
def test_any_token_is_let_through_so_that_the_app_answers_it_itself(token):
    answer = authorize(token)
    (statement,) = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "execute-api:Invoke"
    assert statement["Resource"] == ["arn:aws:execute-api:eu-west-3:123456789012:abc123/api/*/*"]
    assert len(answer["usageIdentifierKey"]) == 64


def test_two_keys_are_counted_apart_and_one_key_always_the_same():
    first, second = keys.new_key(), keys.new_key()
    assert authorize(f"Bearer {first}")["usageIdentifierKey"] == keys.hash_key(first)
    assert authorize(f"Bearer {first}")["usageIdentifierKey"] != keys.hash_key(second)


def test_the_authorizer_logs_nothing_of_the_key(caplog, capsys):
    key = keys.new_key()
    with caplog.at_level(logging.DEBUG):
        answer = authorize(f"Bearer {key}")
    printed = capsys.readouterr()
    logged = caplog.text + printed.out + printed.err
    assert key not in logged and keys.hash_key(key) not in logged
    assert key not in str(answer) and answer["principalId"] == "caller"


FIRST_CALL = """
import json, sys
import app
before = set(sys.modules)
app.usage_key({"type": "TOKEN", "authorizationToken": "Bearer rase_x", "methodArn": "%s"}, None)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_authorizers_first_call_loads_no_aws_client_nor_table_model():
    # a cold start of the authorizer delays the keyed call it answers: it loads the hash only
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", FIRST_CALL % METHOD_ARN],
        cwd=root, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    loaded = json.loads(run.stdout.strip().splitlines()[-1])
    assert "chalicelib.api.usage_key" in loaded
    heavy = [name for name in loaded if name.split(".")[0] in ("boto3", "botocore", "pynamodb")]
    assert not heavy and not any(name.startswith("chalicelib.store") for name in loaded)

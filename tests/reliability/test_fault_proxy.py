"""The fault proxy itself: a failed call never reaches moto, the share is what was asked, the
decisions repeat for a seed, and the endpoint's own routes always pass."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib import settings
from tests.support.fault_proxy import Fault, FaultPlan, FaultProxy, operation_of

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def dynamodb(url: str):
    return boto3.client("dynamodb", endpoint_url=url, region_name="eu-west-3", config=NO_RETRY)


@pytest.fixture
def proxy(aws):
    with FaultProxy(aws.url, rate=0.0) as running:
        yield running


def uploads_table() -> str:
    return settings.current().table("uploads")


def test_a_failed_call_is_answered_by_the_proxy_and_never_applied(aws, proxy):
    proxy.script("dynamodb:PutItem", Fault(500, "InternalServerError", False))
    item = {"upload_id": {"S": "upl_fault"}, "department": {"S": "59"}}
    with pytest.raises(ClientError) as failed:
        dynamodb(proxy.url).put_item(TableName=uploads_table(), Item=item)
    assert failed.value.response["Error"]["Code"] == "InternalServerError"
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    key = {"upload_id": item["upload_id"]}
    assert "Item" not in dynamodb(aws.url).get_item(TableName=uploads_table(), Key=key)
    # the next call goes through and is applied
    dynamodb(proxy.url).put_item(TableName=uploads_table(), Item=item)
    direct = dynamodb(aws.url).get_item(TableName=uploads_table(), Key=key)
    assert direct["Item"]["department"] == {"S": "59"}
    assert proxy.tally.summary()["by_operation"]["dynamodb:PutItem"] == {"calls": 2, "failures": 1}


def test_throttling_errors_look_like_aws_ones(aws, proxy):
    proxy.script("dynamodb:Scan", Fault(400, "ProvisionedThroughputExceededException", True))
    with pytest.raises(ClientError) as failed:
        dynamodb(proxy.url).scan(TableName=uploads_table())
    assert failed.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    ses = boto3.client("ses", endpoint_url=proxy.url, region_name="eu-west-3", config=NO_RETRY)
    proxy.script("ses:ListIdentities", Fault(400, "Throttling", True))
    with pytest.raises(ClientError) as throttled:
        ses.list_identities()
    assert throttled.value.response["Error"]["Code"] == "Throttling"
    assert proxy.tally.summary()["throttles"] == 2


def test_the_share_of_failures_is_the_rate_and_repeats_for_a_seed():
    def decisions(seed: int) -> list[bool]:
        plan = FaultPlan(0.2, seed=seed)
        return [plan.draw("dynamodb:GetItem", "json") is not None for _ in range(5000)]

    first = decisions(7)
    assert first == decisions(7)
    assert first != decisions(8)
    assert 0.18 <= sum(first) / len(first) <= 0.22


def test_the_endpoint_routes_always_pass(aws):
    with FaultProxy(aws.url, rate=1.0) as proxy:
        answer = requests.get(f"{proxy.url}/_relais/outbox", timeout=10)
        assert answer.status_code == 200 and answer.json() == []
        assert proxy.tally.summary()["calls"] == 0


def test_operations_are_named_by_target_or_action():
    signed = {"authorization": "AWS4-HMAC-SHA256 Credential=k/20310303/eu-west-3/sns/aws4_request"}
    form = {**signed, "content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    assert operation_of(form, b"Action=Publish&Version=2010-03-31", "POST") == (
        "sns:Publish",
        "query",
    )
    target = {
        "authorization": "AWS4-HMAC-SHA256 Credential=k/20310303/eu-west-3/dynamodb/aws4_request",
        "x-amz-target": "DynamoDB_20120810.TransactWriteItems",
    }
    assert operation_of(target, b"{}", "POST") == ("dynamodb:TransactWriteItems", "json")
    assert operation_of({}, b"", "PUT") == ("unsigned:PUT", "rest")

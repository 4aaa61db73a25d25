"""The embedded endpoint's TransactWriteItems: all or nothing, rolling back only what it touched.

Two tables (one with a sort key), talked to over HTTP like the product does."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.local.endpoint import EmbeddedAws
from tests.support.tables import create_table

PEOPLE, VISITS = "tx-people", "tx-visits"


@pytest.fixture
def dynamodb(aws: EmbeddedAws) -> Any:
    client = boto3.client("dynamodb", endpoint_url=aws.url)
    create_table(client, PEOPLE, "id")
    create_table(client, VISITS, "person", "at")
    for n in range(5):
        client.put_item(
            TableName=PEOPLE,
            Item={"id": {"S": f"p{n}"}, "count": {"N": str(n)}, "tags": {"L": [{"S": "a"}]}},
        )
        client.put_item(
            TableName=VISITS,
            Item={"person": {"S": f"p{n}"}, "at": {"S": "2026-01-01"}, "note": {"S": "first"}},
        )
    return client


def everything(client: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        table: sorted(client.scan(TableName=table)["Items"], key=repr) for table in (PEOPLE, VISITS)
    }


def writes_then(check: dict[str, Any]) -> list[dict[str, Any]]:
    """A put (new item), an in-place update, a put over an existing item, a delete, in two tables,
    followed by ``check``."""
    return [
        {"Put": {"TableName": PEOPLE, "Item": {"id": {"S": "new"}, "count": {"N": "9"}}}},
        {
            "Update": {
                "TableName": PEOPLE,
                "Key": {"id": {"S": "p1"}},
                "UpdateExpression": "SET #c = #c + :one, tags = list_append(tags, :more)",
                "ExpressionAttributeNames": {"#c": "count"},
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":more": {"L": [{"S": "b"}]}},
            }
        },
        {
            "Put": {
                "TableName": VISITS,
                "Item": {"person": {"S": "p2"}, "at": {"S": "2026-01-01"}, "note": {"S": "over"}},
            }
        },
        {
            "Delete": {
                "TableName": VISITS,
                "Key": {"person": {"S": "p3"}, "at": {"S": "2026-01-01"}},
            }
        },
        check,
    ]


def check_on_p4(expected: str) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": PEOPLE,
            "Key": {"id": {"S": "p4"}},
            "ConditionExpression": "#c = :expected",
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {":expected": {"N": expected}},
        }
    }


def test_a_failed_transaction_leaves_every_item_of_both_tables_exactly_as_before(dynamodb):
    before = copy.deepcopy(everything(dynamodb))

    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=writes_then(check_on_p4("0")))

    error = raised.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in error["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "None", "ConditionalCheckFailed"]
    assert everything(dynamodb) == before


def test_a_successful_transaction_applies_every_write(dynamodb):
    dynamodb.transact_write_items(TransactItems=writes_then(check_on_p4("4")))

    people = {item["id"]["S"]: item for item in everything(dynamodb)[PEOPLE]}
    visits = {item["person"]["S"]: item for item in everything(dynamodb)[VISITS]}
    assert people["new"]["count"] == {"N": "9"}
    assert people["p1"]["count"] == {"N": "2"}
    assert people["p1"]["tags"] == {"L": [{"S": "a"}, {"S": "b"}]}
    assert visits["p2"]["note"] == {"S": "over"}
    assert "p3" not in visits
    assert len(people) == 6 and len(visits) == 4


def test_a_transaction_naming_one_item_twice_is_refused_and_changes_nothing(dynamodb):
    before = copy.deepcopy(everything(dynamodb))
    twice = [
        {"Put": {"TableName": PEOPLE, "Item": {"id": {"S": "p0"}, "count": {"N": "7"}}}},
        {"Delete": {"TableName": PEOPLE, "Key": {"id": {"S": "p0"}}}},
    ]

    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=twice)

    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert everything(dynamodb) == before


def test_a_failed_condition_returns_the_old_item_when_asked(dynamodb):
    check = check_on_p4("0")
    check["ConditionCheck"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"

    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=[check])

    (reason,) = raised.value.response["CancellationReasons"]
    assert reason["Item"]["id"] == {"S": "p4"}

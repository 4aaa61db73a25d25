"""The embedded endpoint's item reads (Query, Scan, GetItem, BatchGetItem), answered as plain JSON:
every kind of attribute value comes back as it was written, pages and errors as DynamoDB's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.local.endpoint import EmbeddedAws
from tests.support.tables import create_table

TABLE = "reads-every-type"
EVERY_TYPE = {
    "pk": {"S": "p"},
    "sk": {"S": "0"},
    "text": {"S": "Zoé, 17 ans — « accentué »"},
    "number": {"N": "-12.5"},
    "binary": {"B": b"\x00\xff relais"},
    "texts": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "binaries": {"BS": [b"\x01", b"\x02"]},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "list": {"L": [{"S": "x"}, {"N": "3"}, {"M": {"deep": {"B": b"\x03"}}}]},
    "map": {"M": {"inner": {"SS": ["z"]}, "empty": {"L": []}}},
}


@pytest.fixture
def dynamodb(aws: EmbeddedAws) -> Any:
    client = boto3.client("dynamodb", endpoint_url=aws.url)
    create_table(client, TABLE, "pk", "sk")
    client.put_item(TableName=TABLE, Item=EVERY_TYPE)
    for n in range(1, 6):
        client.put_item(TableName=TABLE, Item={"pk": {"S": "p"}, "sk": {"S": str(n)}})
    return client


def canonical(item: dict[str, Any]) -> dict[str, Any]:
    """Sets compared as sets (DynamoDB does not keep their order)."""

    def value(attribute: dict[str, Any]) -> Any:
        kind, content = next(iter(attribute.items()))
        if kind in ("SS", "BS"):
            return kind, frozenset(content)
        if kind == "NS":
            return kind, frozenset(Decimal(n) for n in content)
        if kind == "L":
            return kind, tuple(value(v) for v in content)
        if kind == "M":
            return kind, canonical(content)
        return kind, content

    return {name: value(attribute) for name, attribute in item.items()}


def test_every_kind_of_value_reads_back_as_written_through_each_read(dynamodb):
    key = {"pk": {"S": "p"}, "sk": {"S": "0"}}
    got = dynamodb.get_item(TableName=TABLE, Key=key)["Item"]
    queried = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :p AND sk = :s",
        ExpressionAttributeValues={":p": {"S": "p"}, ":s": {"S": "0"}},
    )["Items"]
    scanned = [i for i in dynamodb.scan(TableName=TABLE)["Items"] if i["sk"] == {"S": "0"}]
    batch = dynamodb.batch_get_item(RequestItems={TABLE: {"Keys": [key]}})["Responses"][TABLE]

    for item in (got, *queried, *scanned, *batch):
        assert canonical(item) == canonical(EVERY_TYPE)


def test_a_query_pages_with_its_last_evaluated_key_and_counts(dynamodb):
    pages, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
            Limit=2,
            **extra,
        )
        pages.append([item["sk"]["S"] for item in page["Items"]])
        assert page["Count"] == len(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start:
            break

    assert [sk for page in pages for sk in page] == ["0", "1", "2", "3", "4", "5"]
    assert all(len(page) <= 2 for page in pages)


def test_a_missing_item_and_a_missing_table_answer_as_dynamodb_does(dynamodb):
    absent = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "p"}, "sk": {"S": "none"}})
    assert "Item" not in absent

    with pytest.raises(ClientError) as raised:
        dynamodb.query(
            TableName="no-such-table",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
        )
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"

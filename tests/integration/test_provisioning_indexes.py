"""Provisioning adds to a table made by an older version the indexes added since (the console's
list indexes of issue 19)."""

from __future__ import annotations

from chalicelib import aws as aws_client
from chalicelib.provisioning import provision
from chalicelib.store.models import Youth


def test_provisioning_adds_the_indexes_an_older_table_lacks(aws):
    client = aws_client.client("dynamodb")
    name = Youth.Meta.table_name
    client.delete_table(TableName=name)
    client.get_waiter("table_not_exists").wait(TableName=name)
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "department", "AttributeType": "S"},
            {"AttributeName": "id_externe", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "department", "KeyType": "HASH"},
            {"AttributeName": "id_externe", "KeyType": "RANGE"},
        ],
    )
    provision()
    table = client.describe_table(TableName=name)["Table"]
    names = {index["IndexName"] for index in table["GlobalSecondaryIndexes"]}
    assert {"due-index", "majority-index", "name-index", "first-name-index", "status-index"} <= (
        names
    )
    assert {"blocked-index", "late-index", "reroute-index"} <= names  # the list's flag views

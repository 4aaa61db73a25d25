"""The embedded endpoint's Query (a partition sorted once, read from where the page starts) answers
exactly as moto's own: the same data written to the embedded endpoint and to a plain moto server
(another process, moto as released), the same queries to both, every page compared."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests

from chalicelib.local.endpoint import EmbeddedAws

TABLE = "queries-compared"
DEPARTMENTS = ("59", "62", "big")
INDEXES = {  # name: (hash, range or None, projection)
    "by-text": ("dept", "rk", {"ProjectionType": "ALL"}),
    "by-number": ("dept", "n", {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["label"]}),
    "by-group": ("grp", None, {"ProjectionType": "KEYS_ONLY"}),
}
# (condition on the range attribute, values): every comparison DynamoDB offers
TEXT_CONDITIONS = [
    (None, {}),
    ("rk = :a", {":a": {"S": "m05"}}),
    ("rk < :a", {":a": {"S": "m05"}}),
    ("rk <= :a", {":a": {"S": "m05"}}),
    ("rk > :a", {":a": {"S": "m05"}}),
    ("rk >= :a", {":a": {"S": "m05"}}),
    ("rk BETWEEN :a AND :b", {":a": {"S": "m03"}, ":b": {"S": "m07"}}),
    ("begins_with(rk, :a)", {":a": {"S": "m0"}}),
    ("begins_with(rk, :a)", {":a": {"S": "zz"}}),
]
SK_RANGE = {":a": {"S": "s0010"}, ":b": {"S": "s0150"}}
NUMBER_CONDITIONS = [
    (None, {}),
    ("n = :a", {":a": {"N": "12"}}),
    ("n < :a", {":a": {"N": "-3.5"}}),
    ("n >= :a", {":a": {"N": "40"}}),
    ("n BETWEEN :a AND :b", {":a": {"N": "2"}, ":b": {"N": "30"}}),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def plain_moto() -> Iterator[str]:
    """moto's server as released, in its own process (nothing of ours installed in it)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{url}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def items() -> list[dict[str, Any]]:
    """Repeated range values, items missing an index's keys (sparse), and a partition of large
    items that reaches the 1 MB page limit."""
    rng = random.Random(19)
    written = []
    for n in range(240):
        item: dict[str, Any] = {
            "pk": {"S": f"y{n % 37:02d}"},
            "sk": {"S": f"s{n:04d}"},
            "label": {"S": f"label {n}"},
            "rank": {"N": str(n)},
        }
        if n % 11:
            item["dept"] = {"S": DEPARTMENTS[n % 2]}
        if n % 7:
            item["rk"] = {"S": f"m{rng.randrange(10):02d}"}
        if n % 5:
            item["n"] = {"N": str(rng.choice([-7, -3.5, 0, 2, 12, 12, 30, 40.25, 99]))}
        if n % 3 == 0:
            item["grp"] = {"S": f"g{n % 4}"}
        written.append(item)
    for n in range(16):
        written.append(
            {
                "pk": {"S": f"big{n:02d}"},
                "sk": {"S": "s"},
                "dept": {"S": "big"},
                "rk": {"S": f"m{n // 2:02d}"},
                "n": {"N": str(n)},
                "blob": {"S": "x" * 90_000},
            }
        )
    return written


def create(client: Any) -> None:
    definitions = {"pk": "S", "sk": "S", "dept": "S", "rk": "S", "n": "N", "grp": "S"}
    client.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind} for name, kind in definitions.items()
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"}]
                + ([{"AttributeName": range_key, "KeyType": "RANGE"}] if range_key else []),
                "Projection": projection,
            }
            for name, (hash_key, range_key, projection) in INDEXES.items()
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for item in items():
        client.put_item(TableName=TABLE, Item=item)


@pytest.fixture
def both(aws: EmbeddedAws, plain_moto: str) -> list[Any]:
    clients = []
    for url in (aws.url, plain_moto):
        client = boto3.client("dynamodb", endpoint_url=url)
        if url == plain_moto and TABLE in client.list_tables()["TableNames"]:
            client.delete_table(TableName=TABLE)
        create(client)
        clients.append(client)
    return clients


def every_page(client: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers of a query followed page by page (at most 60 pages)."""
    pages = []
    request = dict(request)
    for _ in range(60):
        answer = client.query(TableName=TABLE, **request)
        answer.pop("ResponseMetadata")
        pages.append(answer)
        if "LastEvaluatedKey" not in answer:
            break
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
    return pages


def assert_same_answers(both: list[Any], request: dict[str, Any]) -> None:
    fast, moto = (every_page(client, request) for client in both)
    assert fast == moto, request


def key_request(hash_attr: str, hash_value: str, condition: str | None, values: dict) -> dict:
    expression = f"{hash_attr} = :h" + (f" AND {condition}" if condition else "")
    return {
        "KeyConditionExpression": expression,
        "ExpressionAttributeValues": {":h": {"S": hash_value}, **values},
    }


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [None, 1, 7])
def test_an_index_with_a_text_range_answers_as_moto_for_every_comparison(both, forward, limit):
    for department in DEPARTMENTS:
        for condition, values in TEXT_CONDITIONS:
            request = key_request("dept", department, condition, values)
            request.update(IndexName="by-text", ScanIndexForward=forward)
            if limit:
                request["Limit"] = limit
            assert_same_answers(both, request)


@pytest.mark.parametrize("forward", [True, False])
def test_an_index_with_a_number_range_and_a_projection_answers_as_moto(both, forward):
    for condition, values in NUMBER_CONDITIONS:
        for limit in (None, 4):
            request = key_request("dept", "59", condition, values)
            request.update(IndexName="by-number", ScanIndexForward=forward)
            if limit:
                request["Limit"] = limit
            assert_same_answers(both, request)


def test_an_index_without_range_and_the_table_itself_answer_as_moto(both):
    for forward in (True, False):
        for limit in (None, 2):
            extra = {"ScanIndexForward": forward, **({"Limit": limit} if limit else {})}
            for group in ("g0", "g1", "g3", "none"):
                request = key_request("grp", group, None, {})
                assert_same_answers(both, {**request, "IndexName": "by-group", **extra})
            for condition, values in ((None, {}), ("sk BETWEEN :a AND :b", SK_RANGE)):
                request = key_request("pk", "y03", condition, values)
                assert_same_answers(both, {**request, **extra})


def test_filters_projections_and_counts_apply_after_the_limit_as_moto_applies_them(both):
    low = {":low": {"N": "100"}}
    rank = {"#k": "rank"}
    for extra, values, names in (
        ({"FilterExpression": "#k < :low", "Limit": 9}, low, rank),
        ({"FilterExpression": "attribute_exists(n)"}, {}, {}),
        ({"ProjectionExpression": "pk, sk, #r"}, {}, {"#r": "rk"}),
        ({"Select": "COUNT"}, {}, {}),
        ({"Select": "COUNT", "FilterExpression": "#k < :low"}, low, rank),
    ):
        request = key_request("dept", "62", "rk >= :a", {":a": {"S": "m02"}, **values})
        request.update(IndexName="by-text", **extra)
        if names:
            request["ExpressionAttributeNames"] = names
        for forward in (True, False):
            assert_same_answers(both, {**request, "ScanIndexForward": forward})


def new_item(n: int) -> dict[str, Any]:
    return {"pk": {"S": "new"}, "sk": {"S": str(n)}, "dept": {"S": "59"}, "rk": {"S": "m04"}}


def test_answers_follow_every_kind_of_write_as_moto_follows_them(both):
    request = {**key_request("dept", "59", None, {}), "IndexName": "by-text", "Limit": 25}
    assert_same_answers(both, request)  # the embedded endpoint keeps this partition now
    for client in both:
        client.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "y02"}, "sk": {"S": "s0002"}},
            UpdateExpression="SET rk = :r",
            ExpressionAttributeValues={":r": {"S": "a-first"}},
        )
        client.delete_item(TableName=TABLE, Key={"pk": {"S": "y04"}, "sk": {"S": "s0004"}})
        client.batch_write_item(
            RequestItems={TABLE: [{"PutRequest": {"Item": new_item(n)}} for n in range(3)]}
        )
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "y06"}, "sk": {"S": "s0006"}},
                        "UpdateExpression": "REMOVE dept",
                    }
                }
            ]
        )
        with pytest.raises(client.exceptions.TransactionCanceledException):
            client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": TABLE,
                            "Key": {"pk": {"S": "y08"}, "sk": {"S": "s0008"}},
                            "UpdateExpression": "SET rk = :r",
                            "ExpressionAttributeValues": {":r": {"S": "zzz"}},
                        }
                    },
                    {
                        "ConditionCheck": {
                            "TableName": TABLE,
                            "Key": {"pk": {"S": "y10"}, "sk": {"S": "s0010"}},
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
    assert_same_answers(both, request)
    assert_same_answers(both, {**request, "ScanIndexForward": False})

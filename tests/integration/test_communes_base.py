"""La Poste's postal code base as La Poste publishes it (SPEC §5.4, issue 21): the real file in one
request, each published form, versioned like the directory, names for every INSEE code."""

from __future__ import annotations

import gzip

import pytest

from chalicelib.cli import commands
from chalicelib.store.directory import DirectorySnapshot
from tests.support import aws_requests, laposte
from tests.support import integration as s


@pytest.fixture
def operator(client) -> str:
    return s.operator_key()


def put(client, key: str, body: bytes, **headers: str):
    return client.http.put("/directory/communes", body=body, headers={**s.auth(key), **headers})


def test_the_real_base_loads_in_one_gzipped_request_with_a_few_writes(client, operator):
    # Given the real base, gzipped as an operator's client sends it
    body = gzip.compress(laposte.real_base())
    # When it is sent in ONE request
    with aws_requests.counted() as calls:
        answer = put(client, operator, body, **{"Content-Encoding": "gzip"})
    # Then every line is read, those outside the departments skipped with a warning, none rejected
    assert answer.status_code == 200, answer.json_body.get("error")
    report = answer.json_body
    assert (report["rows"], report["rejected"], report["applied"]) == (laposte.ROWS, [], True)
    assert laposte.ROWS - laposte.SKIPPED - 300 < report["loaded"] <= laposte.ROWS - laposte.SKIPPED
    assert any("Saint-Barthélemy (977)" in warning for warning in report["warnings"])
    assert "rerouting" not in report
    # And a department's lines are one item: a handful of write requests for the whole base
    assert calls["dynamodb.BatchWriteItem"] <= 10, dict(calls)
    # And its names name every commune, arrondissements and former communes included
    directory = DirectorySnapshot()
    assert directory.commune_name("01001") == "L ABERGEMENT CLEMENCIAT"
    assert directory.commune_name("75115") == "PARIS 15"
    assert ("74010", "ANNECY") in directory.postal_communes("74940")  # Annecy-le-Vieux


@pytest.mark.parametrize("form", ["latin1-hash", "gps"])
def test_every_form_la_poste_published_loads_the_same_communes(client, operator, form):
    # Given the same lines as the 2020s Latin-1 file ("#" header, Nom_de_la_commune, no
    # coordinates, columns in another order) or the older UTF-8 one with coordonnees_gps
    answer = put(client, operator, laposte.published(form))
    # Then they load as the real file does
    assert answer.status_code == 200, answer.json_body.get("error")
    assert answer.json_body["rejected"] == []
    assert answer.json_body["rows"] == laposte.ROWS
    directory = DirectorySnapshot()
    assert directory.commune_name("01025") == "BAGE DOMMARTIN"
    lines5 = {row.line5 for row in directory.postal_rows("01") if row.insee == "01025"}
    assert "DOMMARTIN" in lines5  # the former commune of the commune nouvelle


def test_a_new_load_replaces_the_base_for_readers_and_the_old_version_goes(client, operator):
    # Given the base loaded three times
    versions = [put(client, operator, laposte.published("gps")).json_body["version"]]
    versions.append(put(client, operator, laposte.published("gps")).json_body["version"])
    versions.append(put(client, operator, laposte.published("gps")).json_body["version"])
    # Then readers read the last one, and the first one is deleted
    directory = DirectorySnapshot()
    assert directory.pointer["communes"] == versions[-1]
    assert DirectorySnapshot({"communes": versions[0]}).postal_rows("59") == []
    assert DirectorySnapshot({"communes": versions[1]}).postal_rows("59")


def test_a_bad_line_loads_nothing_and_says_which(client, operator):
    lines = laposte.published("gps").decode().splitlines()
    lines[3] = "5935O;LILLE;59000;;LILLE;"
    answer = put(client, operator, "\n".join(lines).encode())
    assert answer.status_code == 422
    rejected = answer.json_body["rejected"]
    assert [(error["row"], error["column"]) for error in rejected] == [(4, "insee")]
    assert DirectorySnapshot().postal_rows("59") == []


def test_the_cli_loads_the_base_from_a_file(aws, tmp_path, capsys):
    path = tmp_path / "019HexaSmal.csv"
    path.write_bytes(laposte.published("latin1-hash"))
    assert commands.main(["directory", "load", "communes", str(path)]) == 0
    assert '"applied": true' in capsys.readouterr().out
    assert DirectorySnapshot().commune_name("59350") == "LILLE"

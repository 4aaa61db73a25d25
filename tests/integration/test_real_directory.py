"""The UNML coverage file as UNML really publishes it (SPEC §5.2, issue 12): its exact header and
shape, communes outside the 101 departments, Mayotte's ``97600``, arrondissements only for Paris,
Lyon and Marseille, en dashes; and the national file in one request, with batched writes."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.clock import utcnow
from chalicelib.domain.routing import NoRoute, Route, route_mission_locale
from chalicelib.roster import service as roster
from chalicelib.store.directory import DirectorySnapshot
from tests.support import aws_requests, unml
from tests.support import integration as s


@pytest.fixture
def operator(client) -> str:
    return s.operator_key()


def put(client, key: str, route: str, body: bytes, **headers: str):
    return client.http.put(route, body=body, headers={**s.auth(key), **headers})


@pytest.mark.parametrize("bom", [True, False], ids=["with-bom", "utf8-lf-without-bom"])
def test_the_real_file_shape_loads_and_skips_communes_outside_the_departments(
    client, operator, bom
):
    # Given the missions locales' contacts, then the coverage file exactly as published
    assert put(client, operator, "/directory/missions-locales",
               unml.contacts_csv(unml.SAMPLE_MLS)).status_code == 200  # fmt: skip
    rows = unml.sample_rows()
    answer = put(client, operator, "/directory/coverage", unml.write(rows, bom=bom))
    # Then it is loaded: 200, the outside rows skipped with a warning each, never rejected
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["rows"], report["rejected"], report["applied"]) == (len(rows), [], True)
    assert report["loaded"] == len(rows) - len(unml.OUTSIDE_ROWS)
    skipped = [w for w in report["warnings"] if "ignorée" in w]
    assert [w.split(" ignorée")[0] for w in skipped] == [
        "1 ligne(s) de Saint-Barthélemy (977)",
        "1 ligne(s) de Saint-Martin (978)",
        "1 ligne(s) de Saint-Pierre-et-Miquelon (975)",
        "1 ligne(s) de collectivités du Pacifique (98x)",
    ]
    # And what was loaded keeps the file's codes and names
    directory = DirectorySnapshot()
    assert directory.coverage("97611").code_mls == ("97600",)  # Mayotte's ML code
    assert directory.coverage("01004").nom_commune == "Ambérieu-en-Bugey"
    assert directory.mission_locale("69020").nom == "69–ML RILLIEUX LA PAPE"  # en dash kept
    assert directory.coverage("97701") is None


def test_a_youth_of_paris_given_as_75056_reaches_the_mission_locale_of_every_arrondissement(
    client, operator
):
    put(client, operator, "/directory/missions-locales", unml.contacts_csv(unml.SAMPLE_MLS))
    put(client, operator, "/directory/coverage", unml.write(unml.sample_rows()))
    directory = DirectorySnapshot()
    paris = route_mission_locale("75056", None, directory)
    assert isinstance(paris, Route) and paris.partner_id == unml.PARIS.code
    lyon = route_mission_locale("69123", None, directory)  # six arrondissements each side
    assert isinstance(lyon, NoRoute) and lyon.candidates == ("69010", "69020")
    marseille = route_mission_locale("13055", None, directory)
    assert isinstance(marseille, NoRoute) and marseille.candidates == ("13010", "13020")


def test_the_national_file_loads_in_one_request_with_batched_writes(client, operator):
    # Given the national contacts, and a national-size coverage file (~35,000 rows)
    rows = unml.national_rows()
    assert len(rows) > 34_000
    contacts = unml.contacts_csv(unml.national_mls(rows))
    assert put(client, operator, "/directory/missions-locales", contacts).status_code == 200
    # When it is sent in ONE request, gzip-compressed as an operator's client sends 5 MB
    body = gzip.compress(unml.write(rows))
    assert len(body) < 4 * 1024 * 1024  # fits API Gateway's 6 MB event once base64-encoded
    with aws_requests.counted() as calls:
        answer = put(client, operator, "/directory/coverage", body, **{"Content-Encoding": "gzip"})
    # Then every commune is loaded, 25 items a write request (1,379 requests for 34,410 rows
    # before issue 12: kept, or better)
    assert answer.status_code == 200, answer.json_body.get("error")
    assert answer.json_body["loaded"] == len(rows) - len(unml.OUTSIDE_ROWS)
    writes = aws_requests.dynamodb_writes(calls)
    assert writes <= 1_379 * len(rows) // 34_410 + 1, dict(calls)
    assert calls["dynamodb.BatchWriteItem"] >= len(rows) // 25


def test_a_body_in_an_unknown_encoding_is_refused_in_french(client, operator):
    answer = put(client, operator, "/directory/coverage", b"x", **{"Content-Encoding": "br"})
    assert answer.status_code == 415
    assert answer.json_body["error"]["code"] == "unsupported_media_type"


def test_a_lyon_youth_given_as_69123_is_named_lyon_in_the_department_s_alert(client, operator):
    # Given the real directory's shape (Lyon only by arrondissement, two missions locales)
    put(client, operator, "/directory/missions-locales", unml.contacts_csv(unml.SAMPLE_MLS))
    put(client, operator, "/directory/coverage", unml.write(unml.sample_rows()))
    s.department_key("69", "Rhône")
    now = utcnow()
    today = clock.local_today("69", now)
    youth = s.youth("LYON1", s.birth_for(today, years=17, days=10), commune="69123")
    roster.upload_any_size("69", s.roster_csv([youth]), mode="strict", actor="test", now=now)
    # When the day's jobs run, and the next day's alert digest
    jobs.run_all(now)
    jobs.run_all(now + timedelta(days=1))
    # Then the department reads the city's name and the two candidates, never a bare code
    (digest,) = [m for m in s.sent() if m["to"] == "ase@cd69.example.fr"]
    text = " ".join(digest["text"].split())
    assert "Lyon est couverte par plusieurs missions locales" in text
    assert "commune 69123" not in text
    assert "(code 69010)" in text and "(code 69020)" in text

"""Bad input on every route is a 4xx with a JSON error (HTML pages for the partner's links),
never a 5xx: garbage bodies, wrong files, unknown ids, bad query parameters."""

from __future__ import annotations

import os

import pytest

from tests.support import integration as s
from tests.support import reporting_world as fw
from tests.support import roster_files as files

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GARBAGE = os.urandom(2048)
FAKE_XLSX = b"PK\x03\x04" + os.urandom(600)


@pytest.fixture
def world(client) -> fw.World:
    world = fw.make_world(client)
    world.upload(fw.base_rows(world.today))
    return world


def send(world: fw.World, method: str, path: str, key: str, content_type: str, body: bytes):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    return world.client.http.request(method, path, headers=headers, body=body)


def assert_json_error(answer, case: object) -> None:
    assert 400 <= answer.status_code < 500, (case, answer.status_code, answer.body[:300])
    assert answer.headers["Content-Type"].startswith(JSON), case
    error = answer.json_body["error"]
    assert error["code"] and error["message"], case


def test_bad_query_parameters_of_the_follow_up_routes_are_400s(world):
    cases = [
        "youths?limit=0",
        "youths?limit=abc",
        "youths?limit=100000",
        "youths?status=gone",
        "youths?majority_from=2026-02-30",
        "youths?majority_to=tomorrow",
        "youths?majority_from=2027-01-01&majority_to=2026-01-01",
        "youths?cursor=%%%",
        "youths?cursor=eyJ4IjoxfQ",
        "youths?majority_from=2020-01-01&cursor=eyJ4IjoxfQ",
        "referrals?status=lost",
        "referrals?kind=hotel",
        "referrals?format=xml",
        "referrals?limit=-5",
        "referrals?cursor=bm9wZQ",
    ]
    for case in cases:
        answer = world.get(f"/departments/59/{case}")
        assert answer.status_code == 400, (case, answer.status_code)
        assert_json_error(answer, case)


def test_unknown_or_malformed_youth_ids_are_404s_or_400s(world):
    for path in [
        fw.youth_path("NOBODY"),
        fw.youth_path("x" * 3000),
        fw.youth_path("<script>alert(1)</script>"),
        fw.youth_path("../../etc/passwd"),
        "/departments/59/youths/%FF%FE",
        "/departments/59/youths/%00",
    ]:
        for method in ("GET", "DELETE"):
            answer = send(world, method, path, world.key, JSON, b"")
            assert answer.status_code in (400, 404), (method, path, answer.status_code)
            assert_json_error(answer, (method, path))


def test_garbage_roster_files_are_refused_without_writing(world):
    cases = [
        ("text/csv", GARBAGE),
        ("text/csv", b""),
        ("text/csv", b"\xef\xbb\xbf"),
        ("text/csv", b"a;b;c\n1;2;3\n"),
        ("text/csv", b'"unterminated,quote\n'),
        ("text/csv", b"\x00" * 100),
        (XLSX, FAKE_XLSX),
        (XLSX, GARBAGE),
        ("application/octet-stream", GARBAGE),
    ]
    for content_type, body in cases:
        for query in ("", "?mode=partial", "?dry_run=true"):
            answer = send(
                world, "PUT", f"/departments/59/roster{query}", world.key, content_type, body
            )
            assert_json_error(answer, (content_type, body[:20], query))
    # a readable file with a rejected row, in strict mode: 422 and its report
    invalid = files.roster_csv([files.youth_row(date_naissance="31/02/2008")])
    answer = send(world, "PUT", "/departments/59/roster", world.key, "text/csv", invalid)
    assert answer.status_code == 422
    assert answer.json_body["rejected"][0]["code"] == "invalid_date"
    assert world.get("/departments/59/youths?status=active").json_body["count"] == 6


def test_bad_upload_requests_are_4xx(world):
    for query in ("?mode=lenient", "?mode=%00"):
        answer = send(world, "POST", f"/departments/59/roster-uploads{query}", world.key, JSON, b"")
        assert_json_error(answer, query)
    answer = send(world, "POST", "/departments/59/roster-uploads", world.key, JSON, GARBAGE)
    assert answer.status_code < 500
    for upload_id in ("upl_unknown", "x" * 3000, "%FF", "<b>"):
        answer = world.get(f"/departments/59/roster-uploads/{upload_id}")
        assert_json_error(answer, upload_id)


def test_garbage_directory_files_are_refused(world):
    for route in ("missions-locales", "coverage", "habitat-jeunes"):
        for content_type, body in (("text/csv", GARBAGE), ("text/csv", b""), (XLSX, FAKE_XLSX)):
            answer = send(world, "PUT", f"/directory/{route}", world.operator, content_type, body)
            assert_json_error(answer, (route, content_type, body[:10]))
    for query in ("department=", "department=ZZZZ", "department=<b>", "department=99"):
        answer = world.get(f"/directory/coverage-gaps?{query}", world.operator)
        assert_json_error(answer, query)


def test_a_report_ignores_unknown_parameters_and_an_unknown_department_is_a_404(world):
    assert world.get("/departments/59/report?x=1&today=garbage").status_code == 200
    answer = world.get("/departments/ZZ/report", world.operator)
    assert_json_error(answer, "ZZ")


def test_garbage_on_the_partners_links_gives_a_french_page_never_a_failure(world):
    for token in ("x", "A" * 43, "A" * 5000, "%FF", "<script>"):
        page = world.client.http.get(f"/ack/{token}")
        assert page.status_code == 404, token
        assert page.headers["Content-Type"].startswith("text/html")
        posted = world.client.http.post(f"/ack/{token}", body=GARBAGE, headers=fw.FORM)
        assert 400 <= posted.status_code < 500, token


def test_a_wrong_content_type_is_refused_with_a_4xx(world):
    # Chalice itself answers 415 for a content type a route does not declare
    answer = send(world, "PUT", "/departments/59/roster", world.key, "image/png", GARBAGE)
    assert answer.status_code == 415
    answer = world.client.http.post("/ack/abc", body=b"{}", headers={"Content-Type": JSON})
    assert answer.status_code == 415
    assert s.sent() == []

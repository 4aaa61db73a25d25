"""Issue 4: loads replace the directory atomically, and a change of directory re-routes."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.store.directory import DirectorySnapshot
from chalicelib.store.models import Referral
from tests.support import integration as s


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


def coverage(*rows: str) -> bytes:
    header = (
        "\ufeffCode INSEE;Nom Commune;Code ML;Nom Officiel ML;"
        "Commune présente sur plusieurs ML;Adresse\n"
    )
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def put(client, route: str, body: bytes, key: str):
    return client.http.put(route, body=body, headers=s.auth(key))


def test_a_scan_that_started_before_a_load_reads_the_old_directory_entirely(client):
    operator = s.operator_key()
    s.load_directory(client, operator)
    # Given a scan that read the directory pointer
    before = DirectorySnapshot()
    # When the operator loads a coverage that moves Lille to Roubaix's mission locale
    answer = put(
        client, "/directory/coverage", coverage("59350;Lille;ML59B;ML Roubaix;Non;"), operator
    )
    assert answer.status_code == 200, answer.json_body
    # Then the running scan still sees the old coverage, and a new one sees only the new one
    assert before.coverage("59350").code_mls == ("ML59A",)
    assert before.coverage("59512") is not None
    after = DirectorySnapshot()
    assert after.coverage("59350").code_mls == ("ML59B",)
    assert after.coverage("59512") is None


def test_a_rejected_load_changes_nothing_and_reports_every_row(client):
    operator = s.operator_key()
    s.load_directory(client, operator)
    version = DirectorySnapshot().version()
    answer = put(
        client,
        "/directory/coverage",
        coverage("59350;Lille;ML-UNKNOWN;X;Non;", "ABCDE;Nulle part;ML59A;Y;Non;"),
        operator,
    )
    assert answer.status_code == 422
    rows = {item["row"] for item in answer.json_body["rejected"]}
    assert rows == {2, 3}
    assert DirectorySnapshot().version() == version


def test_a_youth_without_a_partner_is_referred_once_the_directory_covers_its_commune(
    client,
    today,
):
    operator = s.operator_key()
    s.load_directory(client, operator)
    key = s.department_key("59")
    row = s.youth("NOCOV", s.birth_for(today, years=17, days=5), commune="59009")
    assert (
        client.http.put(
            "/departments/59/roster", body=s.roster_csv([row]), headers=s.auth(key)
        ).status_code
        == 200
    )
    jobs.run_all(clock.clock_from(today, None))
    # Then the department is alerted, no referral exists
    assert [m["to"] for m in s.sent()] == ["ase@cd59.example.fr"]
    assert list(Referral.scan()) == []
    # When the directory covers the commune
    body = coverage(
        "59350;Lille;ML59A;ML Lille;Non;", "59009;Villeneuve-d'Ascq;ML59A;ML Lille;Non;"
    )
    assert put(client, "/directory/coverage", body, operator).status_code == 200
    jobs.run_all(clock.clock_from(today, None))
    jobs.run_all(clock.clock_from(today, None))
    # Then the referral goes out once, and the alert is not repeated
    recipients = [m["to"] for m in s.sent()]
    assert recipients == ["ase@cd59.example.fr", "accueil@ml-lille.example.fr"]


def test_an_unanswered_referral_moves_to_the_new_competent_mission_locale(client, today):
    operator = s.operator_key()
    s.load_directory(client, operator)
    key = s.department_key("59")
    row = s.youth("MOVES", s.birth_for(today, years=17, days=5), commune="59350")
    client.http.put("/departments/59/roster", body=s.roster_csv([row]), headers=s.auth(key))
    jobs.run_all(clock.clock_from(today, None))
    # When Lille passes to Roubaix's mission locale
    body = coverage("59350;Lille;ML59B;ML Roubaix;Non;", "59512;Roubaix;ML59B;ML Roubaix;Non;")
    answer = put(client, "/directory/coverage", body, operator)
    assert answer.json_body["rerouting"] == {"redirected": 1}
    jobs.run_all(clock.clock_from(today, None))
    # Then the old referral is kept as redirected and the new mission locale receives one
    statuses = sorted((r.partner_id, r.status) for r in Referral.scan())
    assert statuses == [("ML59A", "redirected"), ("ML59B", "sent")]
    assert [m["to"] for m in s.sent()] == [
        "accueil@ml-lille.example.fr",
        "contact@ml-roubaix.example.fr",
    ]

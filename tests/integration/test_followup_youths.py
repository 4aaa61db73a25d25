"""GET /departments/{code}/youths and /youths/{id_externe}: paging, filters, detail, TTL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.youth import majority_date
from chalicelib.store.models import Referral, Youth
from tests.support import integration as s
from tests.support import reporting_world as fw


@pytest.fixture
def world(client) -> fw.World:
    world = fw.make_world(client)
    world.upload(fw.base_rows(world.today))
    other_rows = [s.youth("PDC-1", s.birth_for(world.today, years=17, days=-5), commune="62041")]
    world.upload(other_rows, code="62", key=world.other)
    return world


def walk(world: fw.World, query: str) -> tuple[list[list[str]], list[dict]]:
    """Every page of the list, following cursors: ids per page, and all items."""
    pages, items, cursor = [], [], None
    for _ in range(20):
        suffix = f"&cursor={cursor}" if cursor else ""
        answer = world.get(f"/departments/59/youths?{query}{suffix}")
        assert answer.status_code == 200, answer.json_body
        pages.append([item["id_externe"] for item in answer.json_body["items"]])
        items += answer.json_body["items"]
        cursor = answer.json_body["cursor"]
        if cursor is None:
            return pages, items
    raise AssertionError("the cursor never ran out")


def expire(model_item, now: datetime | None = None) -> None:
    """Give an item a TTL in the past, as DynamoDB leaves it until its lazy deletion."""
    past = (now or datetime.now(UTC)) - timedelta(hours=1)
    model_item.update(actions=[type(model_item).expires_at.set(past)])


def test_the_list_pages_through_every_youth_of_the_department_once(world):
    pages, items = walk(world, "limit=2")
    ids = [id_ for page in pages for id_ in page]
    assert sorted(ids) == sorted(world.rows) and len(ids) == len(set(ids)) == 6
    assert all(len(page) <= 2 for page in pages)
    assert "PDC-1" not in ids  # the other department's youth
    first = items[0]
    assert set(first) == {
        "id_externe",
        "prenom",
        "nom",
        "date_naissance",
        "majority_date",
        "code_commune",
        "status",
        "due_at",
        "pathway",
    }


def test_the_default_page_holds_every_youth_of_a_small_department(world):
    answer = world.get("/departments/59/youths")
    assert answer.json_body["count"] == 6
    assert answer.json_body["cursor"] is None


def test_the_status_filter_separates_exited_youths_from_active_ones(world):
    # Given a new roster without LATER
    world.upload([row for id_, row in world.rows.items() if id_ != "LATER"])
    # Then LATER is the only exited youth and the active list no longer shows it
    _, exited = walk(world, "status=exited")
    assert [(item["id_externe"], item["status"]) for item in exited] == [("LATER", "exited")]
    _, active = walk(world, "status=ACTIVE&limit=1")
    assert sorted(item["id_externe"] for item in active) == sorted(set(world.rows) - {"LATER"})


def test_majority_bounds_select_youths_by_majority_date_in_order(world):
    majorities = {
        id_: majority_date(row["date_naissance"]).isoformat() for id_, row in world.rows.items()
    }
    ordered = sorted(majorities.values())
    first, last = ordered[1], ordered[3]
    # When the department asks for youths coming of age between two dates, one per page
    _, items = walk(world, f"majority_from={first}&majority_to={last}&limit=1")
    # Then it gets exactly those, by majority date
    assert [item["majority_date"] for item in items] == ordered[1:4]
    _, after = walk(world, f"majority_from={ordered[4]}")
    assert {item["id_externe"] for item in after} == {
        id_ for id_, day in majorities.items() if day >= ordered[4]
    }
    _, before = walk(world, f"majority_to={ordered[0]}&status=active")
    assert [item["majority_date"] for item in before] == [ordered[0]]


def test_a_cursor_made_for_other_filters_is_a_bad_request_not_a_failure(world):
    page = world.get("/departments/59/youths?limit=1").json_body
    with_bounds = world.get(
        f"/departments/59/youths?majority_from=2000-01-01&cursor={page['cursor']}"
    )
    assert with_bounds.status_code == 400
    assert with_bounds.json_body["error"]["code"] == "invalid_parameter"
    bounded = world.get("/departments/59/youths?majority_from=2000-01-01&limit=1").json_body
    late = world.get(f"/departments/59/youths?majority_from=2099-01-01&cursor={bounded['cursor']}")
    assert late.status_code == 400


def test_the_detail_shows_the_youth_its_referrals_and_their_history(world):
    world.run_jobs()
    detail = world.get(fw.youth_path("DUE10"))
    assert detail.status_code == 200
    body = detail.json_body
    assert body["prenom"] == world.rows["DUE10"]["prenom"]
    assert body["referent_email"] == world.rows["DUE10"]["referent_email"]
    [referral] = body["referrals"]
    assert referral["kind"] == "mission_locale"
    assert referral["partner"] == {
        "type": "mission_locale",
        "id": "ML59A",
        "nom": "Mission locale de Lille",
    }
    assert [step["status"] for step in referral["history"]] == ["pending", "sent"]
    assert "snapshot" not in referral and "token_hash" not in referral
    # And once the partner has answered, the answer and its step are there
    link = next(m["ack_url"] for m in s.sent() if m["to"] == "accueil@ml-lille.example.fr")
    world.answer(link, f"reponse=accepte&date_rdv={s.RDV}&commentaire=s.RDV+pris")
    referral = world.get(fw.youth_path("DUE10")).json_body["referrals"][0]
    assert referral["status"] == "acknowledged"
    assert [step["status"] for step in referral["history"]] == ["pending", "sent", "acknowledged"]
    assert referral["answer"]["reponse"] == "accepte"
    assert referral["answer"]["date_rdv"] == s.RDV.isoformat()
    assert referral["answer"]["commentaire"] == "s.RDV pris"


def test_the_detail_shows_a_roster_change_in_the_history(world):
    changed = {**world.rows["ADULT"], "parcours_logement": "a_traiter"}
    world.upload([*(r for i, r in world.rows.items() if i != "ADULT"), changed])
    history = world.get(fw.youth_path("ADULT")).json_body["history"]
    assert history, "a change of pathway is kept in the history"
    assert all("Nomtest" not in str(step) for step in history)


def test_an_id_with_a_slash_spaces_and_accents_is_found_through_its_encoded_path(world):
    path = fw.youth_path(fw.SLASHED_ID)
    assert "%2F" in path and "%23" in path
    answer = world.get(path)
    assert answer.status_code == 200
    assert answer.json_body["id_externe"] == fw.SLASHED_ID


@pytest.mark.parametrize("id_externe", ["UNKNOWN", "PDC-1", "X" * 300, "%FF%FE"])
def test_an_unknown_youth_is_a_404_json_error(world, id_externe):
    path = fw.youth_path(id_externe) if id_externe != "%FF%FE" else "/departments/59/youths/%FF"
    answer = world.get(path)
    assert answer.status_code in (400, 404)
    assert set(answer.json_body["error"]) >= {"code", "message"}
    assert world.get(fw.youth_path("UNKNOWN")).status_code == 404


def test_expired_youths_and_referrals_are_ignored_everywhere(world):
    world.run_jobs()
    # Given ADULT and its referral past their TTL (DynamoDB has not deleted them yet)
    expire(Youth.get("59", "ADULT"))
    for referral in Referral.youth_index.query("59#ADULT"):
        expire(referral)
    # Then no list, detail or report shows them
    _, items = walk(world, "limit=50")
    assert "ADULT" not in {item["id_externe"] for item in items}
    assert world.get(fw.youth_path("ADULT")).status_code == 404
    referrals = world.get("/departments/59/referrals").json_body["items"]
    assert referrals and "ADULT" not in {r["id_externe"] for r in referrals}
    csv_text = world.csv().body.decode("utf-8")
    assert "ADULT" not in csv_text and "DUE10" in csv_text
    report = world.get("/departments/59/report").json_body
    assert sum(report["youths_by_majority_month"].values()) == 5
    assert report["referrals"]["open"] == len(referrals)
    # Nor do the coverage gaps count an expired youth
    gaps = world.get("/directory/coverage-gaps?department=59").json_body["communes"]
    assert "62041" in {gap["code_commune"] for gap in gaps}
    expire(Youth.get("59", "ARRAS"))
    gaps = world.get("/directory/coverage-gaps?department=59").json_body["communes"]
    assert "62041" not in {gap["code_commune"] for gap in gaps}

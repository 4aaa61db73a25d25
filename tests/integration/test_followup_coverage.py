"""GET /directory/coverage-gaps?department=CODE: where active youths have no competent partner."""

from __future__ import annotations

import pytest

from tests.support import integration as s
from tests.support import reporting_world as fw


@pytest.fixture
def world(client) -> fw.World:
    world = fw.make_world(client)
    forced = s.youth(
        "FORCED", s.birth_for(world.today, years=17, days=-20), commune="59599", code_ml="ML59A"
    )
    world.upload([*fw.base_rows(world.today), forced])
    return world


def test_gaps_list_only_the_communes_without_a_partner_with_counts_and_no_names(world):
    answer = world.get("/directory/coverage-gaps?department=59", world.operator)
    assert answer.status_code == 200
    assert answer.json_body == {
        "department": "59",
        "communes": [
            {
                # Tourcoing is shared by two missions locales: one youth has a code_ml, one not
                "code_commune": "59599",
                "nom_commune": "Tourcoing",
                "youths": 2,
                "mission_locale": "commune_partagee",
                "youths_without_mission_locale": 1,
                "habitat_jeunes": "ok",  # the departmental UDHAJ contact
            },
            {
                # Arras is in neither the UNML coverage loaded nor any habitat-jeunes entry
                "code_commune": "62041",
                "nom_commune": None,
                "youths": 1,
                "mission_locale": "commune_inconnue",
                "youths_without_mission_locale": 1,
                "habitat_jeunes": "aucun_habitat_jeunes",
            },
        ],
    }
    text = str(answer.json_body)
    assert all(row["nom"] not in text and row["prenom"] not in text for row in world.rows.values())


def test_a_department_reads_its_own_gaps_and_exited_youths_no_longer_count(world):
    # Given the youth of Arras left the roster
    world.upload([row for id_, row in world.rows.items() if id_ != "ARRAS"])
    # Then the department's own key sees Tourcoing only
    answer = world.get("/directory/coverage-gaps?department=59")
    assert answer.status_code == 200
    assert [c["code_commune"] for c in answer.json_body["communes"]] == ["59599"]


def test_another_department_cannot_read_the_gaps_and_the_department_is_required(world):
    other = world.get("/directory/coverage-gaps?department=59", world.other)
    assert other.status_code == 403
    assert other.json_body["error"]["code"] == "forbidden"
    missing = world.get("/directory/coverage-gaps", world.operator)
    assert missing.status_code == 400
    assert missing.json_body["error"]["code"] == "invalid_parameter"
    unknown = world.get("/directory/coverage-gaps?department=01", world.operator)
    assert unknown.status_code == 404
    anonymous = world.client.http.get("/directory/coverage-gaps?department=59")
    assert anonymous.status_code == 401

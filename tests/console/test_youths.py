"""The youths list, a youth's page and the decisions taken there."""

from __future__ import annotations

import re

import pytest

from chalicelib import refs
from chalicelib.domain import clock
from chalicelib.store.models import Referral
from tests.support import console as support

LINK = re.compile(r'href="/console/jeunes/([A-Za-z0-9_-]+)"')


@pytest.fixture
def world(console) -> dict[str, str]:
    return support.load_world(clock.local_today("59", clock.clock_from(None, None)))


def test_the_list_shows_each_youth_with_its_referral_state_per_kind(console, world):
    session = console.sign_in()
    page = console.get("/console/jeunes", session).body.decode()
    assert "Éloïse Lefebvre" in page and "D59-1" in page
    assert "Envoyé" in page  # the mission-locale referral of the due youth went out
    assert "Sans partenaire" in page  # the youth of a shared commune waits for a choice
    assert "R974-1" not in page


def search(console, session, text: str) -> str:
    posted = console.post("/console/jeunes", session, {"recherche": text})
    assert posted.status_code == 303 and text not in posted.headers["Location"]
    return console.get(posted.headers["Location"], session).body.decode()


def test_search_by_name_ignores_accents_and_travels_in_the_body(console, world):
    session = console.sign_in()
    found = search(console, session, "eloise")
    assert "Éloïse Lefebvre" in found and "D59-2" not in found
    assert "Éloïse Lefebvre" in search(console, session, "Lefèbvre élo")
    by_number = search(console, session, "d59-2")
    assert "D59-2" in by_number and "Éloïse" not in by_number


def test_a_search_text_in_the_url_is_ignored(console, world):
    session = console.sign_in()
    page = console.get("/console/jeunes?recherche=eloise&filtre=sans_partenaire", session)
    assert "D59-2" in page.body.decode() and "Éloïse" not in page.body.decode()


def test_links_to_a_youth_carry_an_opaque_reference_not_the_file_number(console, world):
    session = console.sign_in()
    page = console.get("/console/jeunes", session).body.decode()
    for ref in LINK.findall(page):
        assert "D59" not in ref
        assert refs.youth_id("59", ref) in ("D59-1", "D59-2")


def test_the_youth_page_shows_the_referral_and_its_timeline(console, world):
    session = console.sign_in()
    page = console.get(f"/console/jeunes/{refs.youth_ref('59', 'D59-1')}", session).body.decode()
    assert "Mission locale de Lille" in page
    assert "Orientation envoyée au partenaire" in page
    assert "Historique" in page


def test_choosing_the_mission_locale_of_a_shared_commune_refers_the_youth(console, world):
    session = console.sign_in()
    ref = refs.youth_ref("59", "D59-2")
    page = console.get(f"/console/jeunes/{ref}", session).body.decode()
    assert "Choisir la mission locale" in page and "Mission locale de Roubaix" in page
    done = console.post(
        f"/console/jeunes/{ref}/orientation", session, {"action": "choisir", "code_ml": "ML59B"}
    )
    assert done.status_code == 303
    [referral] = [r for r in Referral.scan() if r.id_externe == "D59-2"]
    assert (referral.kind, referral.partner_id) == ("mission_locale", "ML59B")
    after = console.get(done.headers["Location"], session).body.decode()
    assert "Mission locale choisie" in after and "Choisir la mission locale" not in after


def test_a_mission_locale_outside_the_candidates_is_refused(console, world):
    session = console.sign_in()
    ref = refs.youth_ref("59", "D59-2")
    answer = console.post(
        f"/console/jeunes/{ref}/orientation", session, {"action": "choisir", "code_ml": "ML974"}
    )
    assert answer.status_code == 400
    assert not [r for r in Referral.scan() if r.id_externe == "D59-2"]


def test_erasure_asks_for_confirmation_then_erases(console, world):
    session = console.sign_in()
    ref = refs.youth_ref("59", "D59-1")
    assert "Je confirme" in console.get(f"/console/jeunes/{ref}/effacement", session).body.decode()
    unconfirmed = console.post(f"/console/jeunes/{ref}/effacement", session)
    assert unconfirmed.status_code == 400
    assert console.get(f"/console/jeunes/{ref}", session).status_code == 200
    done = console.post(f"/console/jeunes/{ref}/effacement", session, {"confirmation": "oui"})
    assert done.status_code == 303
    assert console.get(f"/console/jeunes/{ref}", session).status_code == 404

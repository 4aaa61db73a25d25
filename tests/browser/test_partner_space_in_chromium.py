"""The partners' space in a real headless Chromium (SPEC §4c): a mission locale opens its space
from a referral email read in the outbox, sees its referrals of two departments, answers one from
the list, and the department sees the answer. axe-core checks each page (no serious or critical
violation); each page is photographed at 390 px and 1280 px without sideways scrolling
(artifacts/browser/partner-space-*.png)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.labels import ANSWER_LABELS, DATE_RDV_LABELS
from chalicelib.domain.youth import initial
from chalicelib.messages.filters import date_long_fr
from tests.support import integration as s
from tests.support import partners as p

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
BLOCKING = ("serious", "critical")
LABELS = ANSWER_LABELS["mission_locale"]


def check_page(page, artifacts: Path, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"partner-space-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    results = Axe().run(page).response
    blocking = [v["id"] for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: {blocking}"


def assert_page_headers(response) -> None:
    headers = response.all_headers()
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert "no-store" in headers["cache-control"]
    assert headers["x-frame-options"] == "DENY"


@pytest.fixture
def world(client, api) -> dict:
    """Lille's mission locale receives a youth of the Nord (59) and one of the Pas-de-Calais."""
    today = clock.local_today("59", clock.clock_from(None, None))
    s.load_directory(client, s.operator_key())
    rows, keys = {}, {}
    for code, id_externe, days in (("59", "NORD1", 10), ("62", "PDC1", 12)):
        keys[code] = s.department_key(code, name=f"Département {code}")
        rows[code] = s.youth(id_externe, s.birth_for(today, years=17, days=days))
        answer = client.http.put(
            f"/departments/{code}/roster",
            body=s.roster_csv([rows[code]]),
            headers=s.auth(keys[code]),
        )
        assert answer.status_code == 200, answer.json_body
    jobs.run_all(clock.clock_from(today, None))
    emails = p.emails_to(s.sent(), "accueil@ml-lille.example.fr")
    assert len(emails) == 2
    link = p.space_link(emails[0])
    assert link.startswith(f"{api.url}/partenaires/")  # built on PUBLIC_BASE_URL
    return {"link": link, "rows": rows, "keys": keys}


def test_a_partner_opens_its_space_answers_from_the_list_and_the_department_sees_it(
    page, client, world, artifacts
):
    # When the mission locale opens the space link of its referral email
    opened = page.goto(world["link"])
    assert opened.status == 200
    assert_page_headers(opened)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Orientations reçues par Mission locale de Lille"
    # Then it sees its referrals of both departments, awaiting its answer
    main = page.locator("main").inner_text()
    names = {code: f"{row['prenom']} {initial(row['nom'])}" for code, row in world["rows"].items()}
    for code, name in names.items():
        assert name in main and f"Département {code}" in main
    assert "En attente de votre réponse (2)" in main
    check_page(page, artifacts, "list")
    # When it opens the Pas-de-Calais youth's details and answers from the list
    card = page.locator("article", has_text=names["62"])
    card.get_by_text(f"Détail et réponse – {names['62']}").click()
    card.get_by_label(LABELS["accepte"]).check()
    rdv = s.RDV
    card.get_by_label(DATE_RDV_LABELS["mission_locale"]).fill(rdv.isoformat())
    card.get_by_label("Conseiller ou conseillère qui suivra le ou la jeune").fill("Léo Petit")
    check_page(page, artifacts, "answer-open")
    with page.expect_navigation() as navigation:
        card.get_by_role("button", name="Enregistrer ma réponse").click()
    done = navigation.value
    assert done.request.method == "POST"
    assert done.status == 200, page.locator("main").inner_text()
    assert_page_headers(done)
    confirmation = page.locator("main").inner_text()
    assert "Merci, votre réponse est enregistrée" in confirmation
    assert date_long_fr(rdv) in confirmation
    check_page(page, artifacts, "done")
    # Then the department sees the answer on its youth
    youth = client.http.get(
        "/departments/62/youths/PDC1", headers={"Authorization": f"Bearer {world['keys']['62']}"}
    )
    [referral] = [r for r in youth.json_body["referrals"] if r["kind"] == "mission_locale"]
    assert referral["status"] == "acknowledged"
    # And back on the list, the referral is under the accepted ones with its appointment
    page.get_by_role("link", name="Retour à la liste de vos orientations").click()
    page.wait_for_url(world["link"])
    listed = page.locator("main").inner_text()
    assert "Acceptées (1)" in listed and "En attente de votre réponse (1)" in listed
    assert date_long_fr(rdv) in listed
    assert urlsplit(page.url).path == urlsplit(world["link"]).path

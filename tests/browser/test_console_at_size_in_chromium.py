"""The console at a department's size in Chromium (SPEC §4b v3): a generated 20,000-row roster
imported through the console, the youths list paged, sorted and filtered, the browser's Back
button, and the alerts page deciding the mission locale of a shared commune for all its youths at
once. axe-core checks each page. The embedded endpoint holds the department as under ``make run``
(its heap kept steady: ``local.heap``)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.local import heap
from chalicelib.store.models import Referral, Youth
from tests.support import integration as s
from tests.support.browser import Checker, sign_in

pytestmark = pytest.mark.browser

ROWS = 20_000
IMPORT_MS = 600_000  # checking, then applying, 20,000 rows on the embedded endpoint
SHARED = 6  # youths of Tourcoing (a commune of two missions locales) due now
TOTAL = re.compile(r"(\d+) jeunes?(?: — page (\d+) sur (\d+))?</h2>")


def roster(today) -> bytes:
    """Youths aged 16 (nothing due for months) and ``SHARED`` youths of Tourcoing due now."""
    rng = random.Random(ROWS)
    rows = [
        s.youth(f"G{n:05d}", s.birth_for(today, years=17, days=rng.randint(60, 330)))
        for n in range(ROWS - SHARED)
    ]
    rows += [
        s.youth(f"T{n:05d}", s.birth_for(today, years=17, days=5 + n), commune="59599")
        for n in range(SHARED)
    ]
    return s.roster_csv(rows)


def import_roster(page, api, tmp_path: Path, today) -> None:
    page.get_by_role("link", name="Import").click()
    path = tmp_path / "roster.csv"
    path.write_bytes(roster(today))
    page.get_by_label("Fichier (.xlsx, .xls, .ods ou .csv").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click(timeout=IMPORT_MS)
    page.get_by_role("heading", name="Ce qui changerait").wait_for(timeout=IMPORT_MS)
    page.get_by_role("button", name="Appliquer ce fichier").click(timeout=IMPORT_MS)
    page.get_by_role("heading", name="Fichier appliqué").wait_for(timeout=IMPORT_MS)
    assert Youth.count("59") == ROWS


def header(page) -> tuple[int, int, int]:
    page.wait_for_load_state()  # a search or a sort answers 303, then its page
    found = TOTAL.search(page.content())
    assert found, "no total on the page"
    return int(found.group(1)), int(found.group(2) or 1), int(found.group(3) or 1)


def file_numbers(page) -> list[str]:
    page.wait_for_load_state()
    return re.findall(r"<td>([GT]\d{5})</td>", page.content())


@pytest.fixture
def steady_heap():
    """What ``make run`` does for a department's size: full collections skip the endpoint's
    millions of stored attributes (otherwise ~2 s each, enough to time a page out)."""
    heap.keep_steady()
    yield
    heap.let_go()


@pytest.mark.usefixtures("steady_heap")
def test_a_department_sized_roster_through_the_console(agent_page, api, artifacts, tmp_path):
    page, checker = agent_page, Checker(agent_page, artifacts)
    page.set_default_timeout(60_000)
    today = clock.local_today("59", clock.clock_from(None, None))
    sign_in(page, api)
    import_roster(page, api, tmp_path, today)
    jobs.run_all(clock.clock_from(today, None))

    page.get_by_role("link", name="Jeunes", exact=True).click()
    assert header(page) == (ROWS, 1, ROWS // 50)
    checker.check("youths-at-size")
    first = file_numbers(page)
    page.get_by_role("link", name="Page suivante →").click()
    assert header(page)[1] == 2 and not set(file_numbers(page)) & set(first)
    page.get_by_role("link", name="Page précédente").click()
    assert file_numbers(page) == first
    page.get_by_role("link", name="Nom", exact=True).click()
    by_name = file_numbers(page)
    assert by_name != first and "tri=nom" in page.url

    page.get_by_label("Situation").select_option("sans_partenaire")
    page.get_by_role("button", name="Rechercher").click()
    assert header(page) == (SHARED, 1, 1)
    assert set(file_numbers(page)) == {f"T{n:05d}" for n in range(SHARED)}
    assert re.search(r"\?q=[A-Za-z0-9_-]+", page.url) and "T0000" not in page.url
    page.go_back()
    assert file_numbers(page) == by_name  # Back: the list sorted by name again
    page.go_forward()
    assert set(file_numbers(page)) == {f"T{n:05d}" for n in range(SHARED)}  # a bookmarkable URL

    page.get_by_role("link", name="Alertes").click()
    checker.check("alerts-at-size")
    commune = page.locator("form.commune").first
    assert f"{SHARED} jeunes en attente" in commune.inner_text()
    commune.get_by_label("Mission locale de Roubaix").check()
    commune.get_by_role("button", name=re.compile(r"^Orienter les")).click()
    page.get_by_text(f"Mission locale choisie pour {SHARED} jeune(s).").wait_for()
    referred = {r.id_externe: r.partner_id for r in Referral.scan() if r.department == "59"}
    assert referred == {f"T{n:05d}": "ML59B" for n in range(SHARED)}
    checker.check("alerts-decided")

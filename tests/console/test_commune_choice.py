"""A youth whose commune the roster names in a way no commune matches (SPEC §5.1, issue 21): kept
without a commune, and the department chooses the mission locale on the youth's page."""

from __future__ import annotations

from chalicelib import jobs, refs
from chalicelib.domain import clock
from chalicelib.roster import service as roster
from chalicelib.store.models import Referral, Youth
from tests.support import console as support
from tests.support import integration as s

COLUMNS = [*s.ROSTER_COLUMNS, "commune"]


def test_a_youth_of_an_unknown_commune_waits_for_the_department_s_choice(console):
    # Given the directory (no La Poste base: names are read from the coverage file), and a
    # roster naming one commune the department does not have and one it does
    today = clock.local_today("59", clock.clock_from(None, None))
    support.load_world(today)
    birth = s.birth_for(today, years=17, days=10)
    rows = [
        s.youth("N59-1", birth, commune="", commune_name="Atlantis"),
        s.youth("N59-2", birth, commune="", commune_name="ROUBAIX"),
    ]
    for row in rows:
        row["commune"] = row.pop("commune_name")
    report = roster.upload("59", s.roster_csv(rows, COLUMNS), mode="partial", actor="test")
    assert (report["created"], report["rejected"]) == (2, [])
    assert Youth.get("59", "N59-2").record["code_commune"] == "59512"
    jobs.run_all(clock.clock_from(today, None))
    # When an agent opens the page of the youth of the unknown commune
    session = console.sign_in()
    ref = refs.youth_ref("59", "N59-1")
    page = console.get(f"/console/jeunes/{ref}", session).body.decode()
    # Then the department's missions locales are offered, and the choice refers the youth
    assert "Choisir la mission locale" in page and "Mission locale de Roubaix" in page
    done = console.post(
        f"/console/jeunes/{ref}/orientation", session, {"action": "choisir", "code_ml": "ML59B"}
    )
    assert done.status_code == 303
    partners = {r.id_externe: r.partner_id for r in Referral.scan() if r.id_externe[:2] == "N5"}
    assert partners == {"N59-1": "ML59B", "N59-2": "ML59B"}

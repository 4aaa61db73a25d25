"""The alerts page at a department's size (SPEC §4b v3): grouped by kind, most urgent first,
filtered and paged; the mission locale of a shared commune chosen once for all its youths."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.alert_details import AlertDetails
from chalicelib.domain.alerts import AlertKind
from chalicelib.roster import service as roster
from chalicelib.store import alerts as alert_store
from chalicelib.store.models import Referral
from tests.support import alerts as samples
from tests.support import big_department
from tests.support import integration as s

SECTION = re.compile(r"<h2>([^<]+)</h2>")


def raise_escalations(count: int) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(count):
        details = samples.referral_details(youth=samples.youth(f"E{n:03d}"))
        alert_store.raise_alert(
            "59", AlertKind.ESCALATED, f"ref_{n}", start + timedelta(hours=n),
            details=AlertDetails.from_item(details), id_externe=f"E{n:03d}",
        )  # fmt: skip


def test_alerts_are_grouped_most_urgent_first_filtered_and_paged(console):
    # an alert names a youth only while it exists (SPEC §6 v3): the youths first
    ids = [f"E{n:03d}" for n in range(30)] + ["D-2024-00123"]
    big_department.write_youths("59", len(ids), date(2026, 12, 6), exited_every=1000, ids=ids)
    raise_escalations(30)
    shared = samples.one_of_each()[0].details_view()
    alert_store.raise_alert(
        "59", AlertKind.NO_PARTNER, "X|mission_locale", datetime(2026, 11, 30, tzinfo=UTC),
        details=shared, id_externe="D-2024-00123",
    )  # fmt: skip
    session = console.sign_in()
    first = console.get("/console/alertes", session).body.decode()
    sections = SECTION.findall(first)
    assert sections.index("Jeunes sans partenaire compétent") < sections.index(
        "Orientations restées sans réponse"
    )
    assert "Page 1 sur 2 (31 alertes)" in first and first.count('class="card ') == 25
    second = console.get("/console/alertes?page=2", session).body.decode()
    assert second.count('class="card ') == 6 and "E029" in second and "E000" not in second
    only = console.get("/console/alertes?type=escalated", session).body.decode()
    assert "Jeunes sans partenaire compétent</h2>" not in only and "(30 alertes)" in only


def test_the_mission_locale_of_a_shared_commune_is_chosen_once_for_all_its_youths(console):
    today = clock.local_today("59", clock.clock_from(None, None))
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        from chalicelib.directory import service as directory

        directory.load(kind, body, actor="test")
    youths = [
        s.youth(f"T59-{n}", s.birth_for(today, years=17, days=10 + n), commune="59599")
        for n in range(3)
    ]
    roster.upload_any_size("59", s.roster_csv(youths), actor="test")
    jobs.run_all(clock.clock_from(today, None))
    session = console.sign_in()
    page = console.get("/console/alertes", session).body.decode()
    assert "3 jeunes en attente" in page and "Orienter les 3 jeunes" in page
    done = console.post(
        "/console/alertes/commune", session, {"commune": "59599", "code_ml": "ML59B"}
    )
    assert done.status_code == 303 and "jeunes=3" in done.headers["Location"]
    referred = {r.id_externe: r.partner_id for r in Referral.scan() if r.department == "59"}
    assert referred == {"T59-0": "ML59B", "T59-1": "ML59B", "T59-2": "ML59B"}
    after = console.get(done.headers["Location"], session).body.decode()
    assert "Mission locale choisie pour 3 jeune(s)." in after and "en attente" not in after

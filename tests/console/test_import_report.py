"""Nothing slips through an import (SPEC §4b v3): counts that add up, exits named, the exit
confirmation asked exactly when it is enforced, each upload's report one click away."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.roster.uploads import REPORT_KEPT
from chalicelib.store.models import Youth
from tests.support import console as support
from tests.support import integration as s
from tests.support.console_import import map_referent_column, rows, send_form

REPORT_LINK = re.compile(r'href="(/console/import/upl_[0-9a-f]{24})">Voir le rapport')


@pytest.fixture
def today(console) -> date:
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    return clock.local_today("59", clock.clock_from(None, None))


def apply_file(console, session, data: bytes, *, mapped: bool, **fields: str) -> str:
    sent = send_form(console, session, data)
    checked = sent.headers["Location"]
    if not mapped:
        checked = map_referent_column(console, session, checked)
    done = console.post(checked + "/appliquer", session, fields)
    assert done.status_code == 303, done.body
    return done.headers["Location"]


def test_a_few_exits_below_the_threshold_are_listed_by_name_without_a_box(console, today):
    session = console.sign_in()
    apply_file(console, session, support.export_xlsx(rows(today, 25)), mapped=False)
    checked = send_form(console, session, support.export_xlsx(rows(today, 20))).headers["Location"]
    page = console.get(checked, session).body.decode()
    assert "(5)" in page and "Prenomimpxce D. (IMP-24)" in page
    assert 'name="confirmer_sorties"' not in page  # not enforced, so not asked
    done = console.post(checked + "/appliquer", session)
    assert done.status_code == 303
    assert sum(1 for y in Youth.query("59") if y.status == "exited") == 5


def test_rejected_rows_are_counted_as_rows_and_the_report_stays_one_click_away(console, today):
    session = console.sign_in()
    broken = rows(today, 4)
    broken[1].update(date_naissance="pas une date", code_commune="ABCDE")  # two problems
    broken[2].update(date_naissance="pas une date")
    result = apply_file(console, session, support.export_xlsx(broken), mapped=False)
    page = console.get(result, session).body.decode()
    assert "2</span> lignes rejetées (3 problèmes" in page
    history = console.get("/console/import", session).body.decode()
    [link] = REPORT_LINK.findall(history)
    assert link == result
    again = console.get(link, session).body.decode()
    assert "Lignes rejetées" in again and "IMP-1" in again and "IMP-2" in again


def test_an_upload_older_than_its_reports_lifetime_is_listed_without_a_dead_link(console, today):
    session = console.sign_in()
    long_ago = clock.utcnow() - REPORT_KEPT - timedelta(days=1)
    with clock.stands_at(long_ago):
        apply_file(console, session, support.export_xlsx(rows(today, 3)), mapped=False)
    recent = apply_file(console, session, support.export_xlsx(rows(today, 4)), mapped=True)
    history = console.get("/console/import", session).body.decode()
    assert REPORT_LINK.findall(history) == [recent]
    assert history.count("Effacé après 30 jours") == 1

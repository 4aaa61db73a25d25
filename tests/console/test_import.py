"""The import in the console: file, dry run, column mapping, exits confirmation, apply, history."""

from __future__ import annotations

import re
from datetime import date

import pytest
import requests

from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.store.models import Youth
from tests.support import console as support
from tests.support import integration as s
from tests.support.console_import import map_referent_column, rows, send_form

UPLOAD = re.compile(r"/console/import/(upl_[0-9a-f]{24})")


@pytest.fixture
def today(console) -> date:
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    return clock.local_today("59", clock.clock_from(None, None))


def test_a_file_is_checked_mapped_once_then_applied(console, today):
    session = console.sign_in()
    sent = send_form(console, session, support.export_xlsx(rows(today, 3)))
    assert sent.status_code == 303
    checked = map_referent_column(console, session, sent.headers["Location"])
    page = console.get(checked, session).body.decode()
    assert "Vérification du fichier" in page and "3</span> nouveaux jeunes" in page
    assert not list(Youth.query("59"))  # a dry run writes nothing
    applied = console.post(checked + "/appliquer", session)
    assert applied.status_code == 303
    result = console.get(applied.headers["Location"], session).body.decode()
    assert "Fichier appliqué" in result
    assert sorted(y.id_externe for y in Youth.query("59")) == ["IMP-0", "IMP-1", "IMP-2"]
    history = console.get("/console/import", session).body.decode()
    assert "Fichier appliqué" in history and "Correspondance des colonnes enregistrée" in history
    # the mapping is kept: the next file needs no column form
    again = send_form(console, session, support.export_xlsx(rows(today, 3)))
    assert (
        "Colonne obligatoire introuvable"
        not in console.get(again.headers["Location"], session).body.decode()
    )


def test_a_file_that_would_exit_many_youths_asks_for_confirmation(console, today):
    session = console.sign_in()
    first = send_form(console, session, support.export_xlsx(rows(today, 8)))
    checked = map_referent_column(console, session, first.headers["Location"])
    console.post(checked + "/appliquer", session)
    smaller = send_form(console, session, support.export_xlsx(rows(today, 1)))
    report = smaller.headers["Location"]
    page = console.get(report, session).body.decode()
    assert "Je confirme la sortie du suivi des 7 jeune(s)" in page
    assert "Prenomimpxh D. (IMP-7)" in page  # first name, last name's initial, file number
    refused = console.post(report + "/appliquer", session)
    assert refused.status_code == 400 and "Cochez la case" in refused.body.decode()
    assert all(y.status == "active" for y in Youth.query("59"))
    done = console.post(report + "/appliquer", session, {"confirmer_sorties": "oui"})
    assert done.status_code == 303
    exited = sorted(y.id_externe for y in Youth.query("59") if y.status == "exited")
    assert exited == [f"IMP-{n}" for n in range(1, 8)]


def test_the_script_path_sends_the_file_straight_to_s3(console, today):
    session = console.sign_in()
    target = console.post("/console/import/depot", session)
    assert target.status_code == 201
    answer = target.json_body
    assert answer["fields"]["key"] == f"console/59/{answer['upload_id']}"
    stored = requests.post(
        answer["url"],
        data=answer["fields"],
        files={"file": ("export.xlsx", support.export_xlsx(rows(today, 2)))},
        timeout=10,
    )
    assert stored.status_code in (200, 204)
    checked = console.post(f"/console/import/{answer['upload_id']}/verifier", session)
    assert checked.status_code == 303
    state = console.get(f"/console/import/{answer['upload_id']}/etat", session).json_body
    assert state["status"] == "rejected"  # the referent's column is not mapped yet
    assert (
        "Colonne obligatoire introuvable"
        in console.get(checked.headers["Location"], session).body.decode()
    )


def test_another_departments_agent_cannot_see_an_import(console, today):
    session = console.sign_in()
    sent = send_form(console, session, support.export_xlsx(rows(today, 1)))
    other = console.sign_in(support.AGENT_974)
    for suffix in ("", "/etat"):
        assert console.get(sent.headers["Location"] + suffix, other).status_code == 404
    assert console.post(sent.headers["Location"] + "/appliquer", other).status_code == 404

"""Exports (XLSX and CSV, French, local times, spreadsheet-safe) and the settings page."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import requests
from openpyxl import load_workbook

from chalicelib.console import agents, exports
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.store import audit
from chalicelib.store.models import Referral
from tests.support import console as support


@pytest.fixture
def world(console) -> dict[str, str]:
    return support.load_world(clock.local_today("59", clock.clock_from(None, None)))


def download(console, session, name: str) -> bytes:
    answer = console.get(f"/console/exports/{name}", session)
    assert answer.status_code == 303
    link = answer.headers["Location"]
    assert "D59" not in link and "Lefebvre" not in link
    fetched = requests.get(link, timeout=10)
    assert fetched.status_code == 200
    assert "attachment" in fetched.headers["Content-Disposition"]
    return fetched.content


def test_the_youths_export_is_an_xlsx_in_french(console, world):
    session = console.sign_in()
    book = load_workbook(io.BytesIO(download(console, session, "jeunes.xlsx")))
    sheet = book.active
    header, *lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[:4] == ["N° de dossier", "Nom", "Prénom", "Date de majorité"]
    by_id = {line[0]: line for line in lines}
    assert set(by_id) == {"D59-1", "D59-2"}
    assert by_id["D59-1"][5] == "Envoyé" and by_id["D59-2"][5] == "Sans partenaire"


def test_xlsx_exports_write_dates_and_times_as_date_cells(console, world):
    session = console.sign_in()
    youths = load_workbook(io.BytesIO(download(console, session, "jeunes.xlsx"))).active
    majority = youths.cell(row=2, column=4)
    assert isinstance(majority.value, datetime) and majority.number_format == "DD/MM/YYYY"
    referrals = load_workbook(io.BytesIO(download(console, session, "orientations.xlsx"))).active
    header = [cell.value for cell in referrals[1]]
    sent = referrals.cell(row=2, column=header.index("Envoyée le") + 1)
    [referral] = [r for r in Referral.scan() if r.department == "59"]
    assert sent.value == exports.local_time("59", referral.sent_at)
    assert sent.number_format == "DD/MM/YYYY HH:MM"


def test_the_referrals_export_is_a_csv_with_local_times(console, world):
    session = console.sign_in()
    text = download(console, session, "orientations.csv").decode("utf-8-sig")
    header, line = text.splitlines()[:2]
    assert header.startswith("N° de dossier;Type;Partenaire;Canal;État;Créée le")
    [referral] = [r for r in Referral.scan() if r.department == "59"]
    assert exports.csv_text(exports.local_time("59", referral.sent_at)) in line
    assert "Mission locale de Lille" in line and "Envoyé" in line


def test_no_formula_can_run_from_an_export():
    row = {"N° de dossier": '=HYPERLINK("http://x")', "Nom": "+33", "Prénom": "@SUM(A1)"}
    book = load_workbook(io.BytesIO(exports.xlsx([row], list(row), "Jeunes")))
    cells = next(iter(book.active.iter_rows(min_row=2)))
    assert [cell.data_type for cell in cells] == ["s", "s", "s"]
    assert cells[0].value == row["N° de dossier"]
    csv_text = exports.safe_csv([row], list(row))
    assert "'=HYPERLINK" in csv_text and ";'+33;'@SUM" in csv_text


def test_an_unknown_export_is_a_404(console, world):
    session = console.sign_in()
    assert console.get("/console/exports/secret.txt", session).status_code == 404


def test_settings_are_saved_and_audited(console):
    session = console.sign_in()
    page = console.get("/console/parametres", session).body.decode()
    assert 'value="ase@cd59.example.fr"' in page and 'value="30"' in page
    fields = {
        "contact_email": "orientation@cd59.example.fr",
        "contact_phone": "03 20 12 34 56",
        "ml_lead_days": "45",
        "hj_lead_days": "200",
        "relance_jours": "5",
        "escalade_jours": "10",
    }
    assert console.post("/console/parametres", session, fields).status_code == 303
    department = departments.get("59")
    assert (department.contact_email, int(department.ml_lead_days)) == (fields["contact_email"], 45)
    assert (int(department.relance_jours), int(department.escalade_jours)) == (5, 10)
    assert department.contact_phone == "+33320123456"
    assert any(e["action"] == "settings_changed" for e in audit.events("59"))


def test_bad_settings_are_listed_in_an_error_summary_and_nothing_changes(console):
    session = console.sign_in()
    fields = {"contact_email": "pas-une-adresse", "ml_lead_days": "-3", "hj_lead_days": "183"}
    fields |= {"relance_jours": "14", "escalade_jours": "7"}
    answer = console.post("/console/parametres", session, fields)
    page = answer.body.decode()
    assert answer.status_code == 400
    assert "erreurs à corriger" in page and 'href="#contact_email"' in page
    assert departments.get("59").contact_email == "ase@cd59.example.fr"


def test_agents_are_added_and_removed_from_the_settings_page(console):
    session = console.sign_in()
    added = console.post(
        "/console/parametres/agents", session, {"action": "ajouter", "email": "Dominique@CD59.fr"}
    )
    assert added.status_code == 303
    assert "dominique@cd59.fr" in agents.of_department("59")
    console.post(
        "/console/parametres/agents", session, {"action": "retirer", "email": "dominique@cd59.fr"}
    )
    assert agents.of_department("59") == [support.AGENT_59]
    refused = console.post(
        "/console/parametres/agents", session, {"action": "retirer", "email": support.AGENT_59}
    )
    assert refused.status_code == 400


def test_a_removed_agent_loses_its_session_at_once(console):
    session = console.sign_in()
    agents.remove("59", support.AGENT_59, actor="test")
    assert console.get("/console", session).status_code == 303


def test_the_statement_pages_are_readable_without_signing_in(console):
    for path, text in (
        ("/console/accessibilite", "partiellement conforme"),
        ("/console/donnees-personnelles", "eu-west-3"),
    ):
        answer = console.client.http.get(path)
        assert answer.status_code == 200 and text in answer.body.decode()


def test_control_characters_never_reach_an_export():
    row = {"Motif": "Plus\x00 de\x0b place", "Commentaire": "ligne 1\r\nligne\x85 2\x1b"}
    book = load_workbook(io.BytesIO(exports.xlsx([row], list(row), "Orientations")))
    cells = next(iter(book.active.iter_rows(min_row=2)))
    assert [cell.value for cell in cells] == ["Plus de place", "ligne 1\nligne 2"]
    csv_text = exports.safe_csv([row], list(row))
    assert not any(ch in csv_text for ch in "\x00\x0b\x85\x1b")

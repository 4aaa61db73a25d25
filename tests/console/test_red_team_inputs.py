"""The red team's inputs that were 5xx, each answered as bad input now (SPEC §4, §4b): settings
numbers with superscript digits or 5,000 digits, an XLSX whose zip directory lies about a part's
size (through the API and through the console's import), a non-ASCII CSRF token."""

from __future__ import annotations

import pytest

from chalicelib.departments import service as departments
from chalicelib.store.models import Department
from tests.support import console as support
from tests.support.roster_files import lying_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SETTINGS = {
    "contact_email": "ase@cd59.example.fr",
    "ml_lead_days": "30",
    "hj_lead_days": "183",
    "relance_jours": "7",
    "escalade_jours": "14",
}


NUMBERS = ["ml_lead_days", "hj_lead_days", "relance_jours", "escalade_jours"]


@pytest.mark.parametrize("number", ["²", "1²", "٣٠", "9" * 5000, "0" * 5000, "-1", "1e3"])
def test_a_settings_number_that_is_not_plain_digits_is_refused_in_french(console, number):
    session = console.sign_in()
    before = Department.get("59").attribute_values
    for field in NUMBERS:
        answer = console.post("/console/parametres", session, {**SETTINGS, field: number})
        assert answer.status_code == 400, field
        assert "un nombre de" in answer.body.decode(), field
    assert Department.get("59").attribute_values == before


def test_an_xlsx_lying_about_its_sheet_size_is_a_damaged_file_for_the_api(client, aws):
    key = departments.add("59", name="Nord", email="ase@cd59.example.fr")
    answer = client.http.put(
        "/departments/59/roster?dry_run=true",
        body=lying_xlsx("sheet1.xml", 10),
        headers={"Authorization": f"Bearer {key}", "Content-Type": XLSX},
    )
    assert answer.status_code == 400
    assert answer.json_body["error"]["code"] == "unreadable_file"
    assert "endommagé" in answer.json_body["error"]["message"]


def test_an_xlsx_lying_about_its_sheet_size_is_rejected_by_the_console_import(console):
    session = console.sign_in()
    body, kind = support.multipart(
        {"csrf": session.csrf}, "menteur.xlsx", lying_xlsx("sheet1.xml", 10)
    )
    headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": "http://127.0.0.1:8000"}
    sent = console.client.http.post("/console/import", body=body, headers=headers)
    assert sent.status_code == 303
    state = console.get(sent.headers["Location"] + "/etat", session).json_body
    assert state["status"] == "rejected"  # the file's fault, told in French; not "failed"
    assert "endommagé" in console.get(sent.headers["Location"], session).body.decode()


def test_a_non_ascii_csrf_token_is_a_refusal_not_an_error(console):
    session = console.sign_in()
    refused = console.post(
        "/console/parametres", support.Session(session.cookie, "é" * 43), SETTINGS
    )
    assert refused.status_code == 400 and "rechargez la page" in refused.body.decode()

"""Rosters as departments really have them (SPEC §5, §5.1, issue 12): a real export's headers as
XLSX and as cp1252 CSV, the department's own column mapping, bad optional values, the exit guard,
postal codes, limits; and every refusal leaves every table identical."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date

import pytest
import requests
from chalice.config import Config

import app as application
from chalicelib.domain import clock
from chalicelib.domain.clock import utcnow
from chalicelib.local.server import create_server
from chalicelib.store.models import Department, Youth
from tests.support import exports, unml
from tests.support import integration as s
from tests.support.store import snapshot_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"


@pytest.fixture
def today() -> date:
    return clock.local_today("59", utcnow())


@pytest.fixture
def key(client) -> str:
    operator = s.operator_key()
    client.http.put("/directory/missions-locales", body=unml.contacts_csv(unml.SAMPLE_MLS),
                    headers=s.auth(operator))  # fmt: skip
    client.http.put("/directory/coverage", body=unml.write(unml.sample_rows()),
                    headers=s.auth(operator))  # fmt: skip
    return s.department_key("59")


def upload(client, key: str, body: bytes, query: str = "", content_type: str = "text/csv"):
    return client.http.put(
        f"/departments/59/roster{query}", body=body, headers=s.auth(key, content_type)
    )


@pytest.mark.parametrize("kind", ["xlsx", "cp1252-csv"])
def test_a_real_export_is_accepted_as_it_is_and_every_value_kept(client, key, today, kind):
    # Given the export of a department's system, as XLSX (date cells, numbers) or saved as CSV
    rows = exports.export_rows(today, 5)
    body = exports.export_xlsx(rows) if kind == "xlsx" else exports.export_csv(rows)
    # When it is uploaded without any change
    answer = upload(client, key, body, content_type=XLSX if kind == "xlsx" else "text/csv")
    # Then every row is created, only the three unknown columns ignored
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["created"], report["rejected"]) == (5, [])
    assert report["ignored_columns"] == exports.IGNORED
    assert [w["code"] for w in report["warnings"]] == ["ignored_columns"]
    # And every value is kept, leading zeros restored
    first = Youth.get("59", "2024001").record
    assert first["code_commune"] == "01053"
    assert first["telephone"] == "+33612345600"
    assert first["date_naissance"] == rows[0]["Date de naissance"].date().isoformat()
    assert (first["nom"], first["prenom"]) == ("Lefèvre", "Zoé")
    assert first["referent_email"] == "referent.0@ase.departement.exemple.fr"
    assert first["referent_nom"] == "Mme Dupont-Éloi"
    assert first["besoin_logement"] is True
    assert first["lieu_accueil_nom"] == "MECS Les Tilleuls – Unité 2"
    assert first["lieu_accueil_email"] == "accueil@mecs-tilleuls.exemple.fr"
    assert Youth.get("59", "2024004").record["nom"] == "Œillet"


def test_a_missing_column_names_in_french_the_headers_it_accepts(client, key, today):
    rows = exports.export_rows(today, 2)
    for row in rows:
        row["Courriel ASE"] = row.pop("Mail référent")
    headers = [h if h != "Mail référent" else "Courriel ASE" for h in exports.HEADERS]
    body = ";".join(headers).encode("cp1252") + b"\r\n"
    answer = upload(client, key, body)
    assert answer.status_code == 400
    message = answer.json_body["error"]["message"]
    assert message.startswith("Colonne obligatoire absente : Mail référent (en-têtes acceptés :")
    assert "« Courriel référent »" in message and "column-mapping" in message
    assert answer.json_body["error"]["details"]["missing"] == ["referent_email"]


def test_a_saved_column_mapping_applies_to_every_later_upload(client, key, today):
    # Given an export whose referent column has a name of its own
    rows = exports.export_rows(today, 3)
    csv = exports.export_csv(rows).replace(b"Mail r\xe9f\xe9rent", b"Adresse ASE du suivi")
    assert upload(client, key, csv).status_code == 400
    # When the department saves its mapping once
    saved = client.http.put(
        "/departments/59/column-mapping",
        body=b'{"Adresse ASE du suivi": "referent_email", "Mesure": "E-mail du lieu d\'accueil"}',
        headers=s.auth(key, JSON),
    )
    assert saved.status_code == 200, saved.json_body
    assert saved.json_body == {
        "column_mapping": {
            "Adresse ASE du suivi": "referent_email",
            "Mesure": "lieu_accueil_email",
        }
    }
    # Then the same file is accepted, through the mapping
    rows = exports.export_rows(today, 3)
    for row in rows:
        row["Mesure"] = "foyer@exemple.fr"
    csv = exports.export_csv(rows).replace(b"Mail r\xe9f\xe9rent", b"Adresse ASE du suivi")
    answer = upload(client, key, csv)
    assert answer.status_code == 200, answer.json_body
    assert (
        Youth.get("59", "2024002").record["referent_email"]
        == "referent.1@ase.departement.exemple.fr"
    )
    # (the mapped column wins over the synonym "Mail lieu d'accueil")
    assert Youth.get("59", "2024002").record["lieu_accueil_email"] == "foyer@exemple.fr"
    got = client.http.get("/departments/59/column-mapping", headers=s.auth(key, JSON))
    assert got.json_body == saved.json_body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"Mon en-t\xc3\xaate": "adresse_postale"}', "unknown_columns"),
        (b'["referent_email"]', "invalid_mapping"),
        (b"{pas du json", "invalid_json"),
    ],
)
def test_a_mapping_to_an_unknown_column_is_a_400_and_changes_nothing(client, key, body, code):
    before = Department.get("59").column_mapping
    answer = client.http.put("/departments/59/column-mapping", body=body, headers=s.auth(key, JSON))
    assert answer.status_code == 400
    assert answer.json_body["error"]["code"] == code
    assert Department.get("59").column_mapping == before


def test_a_mapping_sent_as_csv_is_a_french_415(client, key):
    answer = client.http.put("/departments/59/column-mapping", body=b"a;b", headers=s.auth(key))
    assert answer.status_code == 415
    assert answer.json_body["error"]["code"] == "unsupported_media_type"
    assert "Content-Type" in answer.json_body["error"]["message"]


def test_bad_optional_values_keep_the_youth_with_warnings(client, key, today):
    row = s.youth("OPT-1", s.birth_for(today, years=17, days=40), telephone="0639 12 34 56",
                  email="zoé@")  # fmt: skip
    answer = upload(client, key, s.roster_csv([row]))
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["created"] == 1
    warned = {(w["row"], w["column"], w["code"]) for w in answer.json_body["warnings"]}
    assert warned == {(2, "telephone", "invalid_phone"), (2, "email", "invalid_email")}
    record = Youth.get("59", "OPT-1").record
    assert (record["telephone"], record["email"]) == (None, None)


def test_a_postal_code_is_answered_with_the_insee_code_it_may_mean(client, key, today):
    birth = s.birth_for(today, years=17, days=40)
    rows = [
        s.youth("PC-1", birth, code_commune="75015"),
        s.youth("PC-2", birth, code_commune="59000"),
    ]
    answer = upload(client, key, s.roster_csv(rows), "?mode=partial")
    assert answer.status_code == 200, answer.json_body
    messages = {e["id_externe"]: e["message"] for e in answer.json_body["rejected"]}
    assert "Code INSEE possible : 75115 (Paris 15e)." in messages["PC-1"]
    # Lille's postal code is known from its mission locale's address in the coverage file
    assert "Code INSEE possible : 59350 (Lille)." in messages["PC-2"]


def test_an_empty_roster_is_refused_and_exits_nobody(client, key, today):
    assert upload(client, key, s.roster_csv([s.youth("E-1", s.birth_for(today, years=17))])
                  ).status_code == 200  # fmt: skip
    before = snapshot_tables()
    answer = upload(client, key, ",".join(s.ROSTER_COLUMNS).encode() + b"\r\n")
    assert answer.status_code == 422
    assert answer.json_body["error"]["code"] == "empty_roster"
    assert snapshot_tables() == before


def test_a_file_exiting_a_large_share_needs_confirmation_and_lists_who_would_leave(
    client, key, today
):
    # Given twenty youths followed
    birth = s.birth_for(today, years=17, days=60)
    everyone = [s.youth(f"EX-{n:02d}", birth) for n in range(20)]
    assert upload(client, key, s.roster_csv(everyone)).status_code == 200
    before = snapshot_tables()
    # When one office's export (twelve of them) comes as the complete list
    answer = upload(client, key, s.roster_csv(everyone[:12]))
    # Then nothing is applied, and the report lists the eight who would leave
    assert answer.status_code == 422
    body = answer.json_body
    assert body["error"]["code"] == "exits_need_confirmation"
    assert (body["exited"], body["applied"], body["exits_need_confirmation"]) == (8, False, True)
    assert body["exited_ids"] == [f"EX-{n:02d}" for n in range(12, 20)]
    assert snapshot_tables() == before
    # And confirmed, it is applied
    confirmed = upload(client, key, s.roster_csv(everyone[:12]), "?confirm_exits=true")
    assert confirmed.status_code == 200
    assert confirmed.json_body["exited_ids"] == body["exited_ids"]
    assert Youth.get("59", "EX-19").status == "exited"


def test_a_few_exits_need_no_confirmation_and_are_listed(client, key, today):
    birth = s.birth_for(today, years=17, days=60)
    everyone = [s.youth(f"FW-{n:02d}", birth) for n in range(10)]
    upload(client, key, s.roster_csv(everyone))
    answer = upload(client, key, s.roster_csv(everyone[:5]))  # 5 exits: not more than 5
    assert answer.status_code == 200
    assert answer.json_body["exited_ids"] == [f"FW-{n:02d}" for n in range(5, 10)]


def test_a_body_above_the_direct_limit_is_a_french_413_naming_the_upload_route(client, key):
    answer = upload(client, key, b"x" * (4 * 1024 * 1024 + 1))
    assert answer.status_code == 413
    message = answer.json_body["error"]["message"]
    assert "POST /departments/59/roster-uploads" in message and "4 Mo" in message


def test_a_wrong_content_type_gets_our_french_415(client, key):
    answer = upload(client, key, b"x", content_type="image/png")
    assert answer.status_code == 415
    assert set(answer.json_body) == {"error"}
    assert answer.json_body["error"]["code"] == "unsupported_media_type"


def test_a_cp1252_file_with_one_utf8_line_is_read_line_by_line_with_a_warning(client, key, today):
    birth = s.birth_for(today, years=17, days=60)
    latin = s.roster_csv([s.youth("ML-1", birth, nom="Hervé")]).decode().replace("Hervé", "{}")
    body = (
        latin.format("Hervé").encode("cp1252")
        + s.roster_csv([s.youth("ML-2", birth, nom="Éloïse")]).split(b"\r\n", 1)[1]
    )  # this line in UTF-8, pasted from elsewhere
    answer = upload(client, key, body)
    assert answer.status_code == 200, answer.json_body
    assert Youth.get("59", "ML-1").record["nom"] == "Hervé"
    assert Youth.get("59", "ML-2").record["nom"] == "Éloïse"
    (note,) = [w for w in answer.json_body["warnings"] if w["code"] == "mixed_encoding"]
    assert "1 ligne(s) (3) sont en UTF-8" in note["message"]


def test_the_cli_refuses_mass_exits_unless_told_and_applies_them_with_confirm_exits(
    client, key, today, tmp_path
):
    birth = s.birth_for(today, years=17, days=60)
    everyone = [s.youth(f"CL-{n:02d}", birth) for n in range(10)]
    upload(client, key, s.roster_csv(everyone))
    path = tmp_path / "liste.csv"
    path.write_bytes(s.roster_csv(everyone[:3]))
    command = [sys.executable, "-m", "chalicelib.cli", "roster", "upload", "59", str(path)]
    refused = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert refused.returncode == 1
    # the one-line error names the CLI's option, not the API's query parameter
    assert "--confirm-exits" in refused.stderr and "confirm_exits=true" not in refused.stderr
    assert json.loads(refused.stdout)["exits_need_confirmation"] is True
    applied = subprocess.run(
        [*command, "--confirm-exits"], capture_output=True, text=True, check=False, timeout=120
    )
    assert applied.returncode == 0, applied.stderr
    assert json.loads(applied.stdout)["exited_ids"] == [f"CL-{n:02d}" for n in range(3, 10)]


def test_the_local_server_answers_an_unknown_route_with_a_french_404(client):
    original = application.app.__class__  # the local server makes the app a local one
    server = create_server(application.app, Config.create(chalice_stage="dev"), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server.server_address[1]
        answer = requests.get(f"http://127.0.0.1:{port}/nulle-part", timeout=10)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
        assert answer.json()["error"]["message"].startswith("Adresse inconnue")
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
    finally:
        server.shutdown()
        application.app.__class__ = original

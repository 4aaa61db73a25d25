"""The console's import is safe by default (SPEC §4b): "Apply" applies exactly the file that was
checked, and the form without JavaScript takes no more than API Gateway delivers: a larger file
goes straight to S3 through an HTML form, and S3 sends the browser back to its report."""

from __future__ import annotations

import re
from html import unescape

import requests

import app as application
from chalicelib import limits, settings
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.local import pump
from chalicelib.store.models import Upload, Youth
from tests.support import console as support
from tests.support import integration as s

ORIGIN = "http://127.0.0.1:8000"


def roster(prefix: str, count: int) -> bytes:
    today = clock.local_today("59", clock.clock_from(None, None))
    return s.roster_csv(
        [s.youth(f"{prefix}-{n}", s.birth_for(today, years=17, days=40 + n)) for n in range(count)]
    )


def to_staging(target: dict, data: bytes) -> None:
    """What the page's script does: the file straight to S3 with the presigned POST."""
    stored = requests.post(
        target["url"], data=target["fields"], files={"file": ("r.csv", data)}, timeout=10
    )
    assert stored.status_code in (200, 204), stored.text


def test_a_file_replaced_after_its_check_is_not_applied(console):
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    session = console.sign_in()
    target = console.post("/console/import/depot", session).json_body
    upload_id = target["upload_id"]
    to_staging(target, roster("CHECKED", 2))
    checked = console.post(f"/console/import/{upload_id}/verifier", session)
    assert checked.status_code == 303
    assert console.get(f"/console/import/{upload_id}/etat", session).json_body["status"] == "done"

    # the presigned POST still lives: another file takes the checked one's place
    to_staging(target, roster("SWAPPED", 5))
    refused = console.post(f"/console/import/{upload_id}/appliquer", session)

    assert refused.status_code == 409
    assert "a changé depuis sa vérification" in refused.body.decode()
    assert not list(Youth.query("59"))
    assert not [u for u in Upload.scan() if not u.dry_run and u.status != "waiting"]


def test_the_checked_file_left_in_place_is_applied(console):
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    session = console.sign_in()
    target = console.post("/console/import/depot", session).json_body
    to_staging(target, roster("CHECKED", 2))
    console.post(f"/console/import/{target['upload_id']}/verifier", session)
    applied = console.post(f"/console/import/{target['upload_id']}/appliquer", session)
    assert applied.status_code == 303
    assert sorted(y.id_externe for y in Youth.query("59")) == ["CHECKED-0", "CHECKED-1"]


def test_a_form_file_above_the_direct_limit_is_refused_with_a_french_page_naming_the_s3_form(
    console,
):
    session = console.sign_in()
    data = roster("BIG", 1) + b"x" * (limits.MAX_DIRECT_BYTES + 100 * 1024)
    body, kind = support.multipart({"csrf": session.csrf}, "gros.csv", data)
    headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": ORIGIN}
    answer = console.client.http.post("/console/import", body=body, headers=headers)
    assert answer.status_code == 413
    page = unescape(answer.body.decode())
    assert "Fichier de plus de 4 Mo" in page and "Préparer l'envoi direct" in page
    assert not list(Upload.scan())  # nothing staged


def test_the_import_page_offers_the_direct_form_without_javascript(console):
    session = console.sign_in()
    page = unescape(console.get("/console/import", session).body.decode())
    noscript = re.findall(r"<noscript>(.*?)</noscript>", page, re.S)[-1]
    assert 'action="/console/import/envoi-direct"' in noscript
    assert f'name="csrf" value="{session.csrf}"' in noscript
    assert "Préparer l'envoi direct" in noscript


def padded(csv: bytes) -> bytes:
    """A roster above the direct limit: blank lines (left out of the rows) after the youths."""
    line = b" " * 63 + b"\n"
    return csv + line * (limits.MAX_DIRECT_BYTES // len(line) + 1024)


def hidden_fields(page: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return {name: unescape(value) for name, value in found}


def test_a_large_file_goes_to_s3_through_a_plain_form_and_comes_back_to_its_report(console):
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    session = console.sign_in()
    prepared = console.post("/console/import/envoi-direct", session)
    assert prepared.status_code == 200
    page = prepared.body.decode()
    action = unescape(re.search(r'action="([^"]+)" enctype="multipart/form-data"', page).group(1))
    fields = hidden_fields(page)
    (upload,) = Upload.scan()
    report_url = f"{settings.current().public_base_url}/console/import/{upload.upload_id}"
    assert fields["key"] == f"console/59/{upload.upload_id}"
    assert fields["success_action_redirect"] == report_url
    assert {"policy", "key"} <= set(fields)
    assert 'type="file" id="fichier" name="file"' in page  # S3 reads the file from "file"
    origin = re.match(r"https?://[^/]+", action).group(0)
    policy = prepared.headers["Content-Security-Policy"]
    assert "form-action 'self'" in policy and origin in policy.split("form-action")[1]

    # what the browser does: the form's fields, then the file (more than the console takes)
    data = padded(roster("BIG", 3))
    sent = requests.post(
        action, data=fields, files={"file": ("gros.csv", data)}, allow_redirects=False, timeout=60
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["Location"].startswith(report_url)

    arrived = console.get(support.path_of(sent.headers["Location"]), session)
    assert arrived.status_code == 200
    assert '<meta http-equiv="refresh"' in arrived.body.decode()  # the page follows progress
    pump.drain(application)  # the S3 event of the large file (Lambda in AWS)
    done = unescape(console.get(support.path_of(sent.headers["Location"]), session).body.decode())
    assert "Ce qui changerait" in done and "Appliquer" in done
    assert '<meta http-equiv="refresh"' not in done


def test_a_reload_of_the_report_does_not_copy_the_file_again(console):
    session = console.sign_in()
    prepared = console.post("/console/import/envoi-direct", session).body.decode()
    action = unescape(
        re.search(r'action="([^"]+)" enctype="multipart/form-data"', prepared).group(1)
    )
    fields = hidden_fields(prepared)
    data = padded(roster("BIG", 1))
    sent = requests.post(
        action, data=fields, files={"file": ("gros.csv", data)}, allow_redirects=False, timeout=60
    )
    assert sent.status_code == 303
    upload_id = fields["key"].rsplit("/", 1)[1]
    console.get(f"/console/import/{upload_id}", session)
    noted = Upload.get(upload_id).file_etag
    console.get(f"/console/import/{upload_id}", session)
    assert Upload.get(upload_id).file_etag == noted
    assert pump.drain(application) == 1  # one copy to uploads/, one S3 event


def test_the_report_of_a_file_that_never_reached_s3_says_so_in_french(console):
    session = console.sign_in()
    prepared = console.post("/console/import/envoi-direct", session).body.decode()
    upload_id = hidden_fields(prepared)["key"].rsplit("/", 1)[1]
    answer = console.get(f"/console/import/{upload_id}", session)
    assert answer.status_code == 404
    assert "pas (encore) arrivé" in unescape(answer.body.decode())

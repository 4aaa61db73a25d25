"""The console's import is safe by default (SPEC §4b): "Apply" applies exactly the file that was
checked, and the form without JavaScript takes no more than API Gateway delivers."""

from __future__ import annotations

import requests

from chalicelib import limits
from chalicelib.directory import service as directory
from chalicelib.domain import clock
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


def test_a_form_file_above_the_direct_limit_is_sent_to_the_s3_upload_with_a_french_page(console):
    session = console.sign_in()
    data = roster("BIG", 1) + b"x" * (limits.MAX_DIRECT_BYTES + 100 * 1024)
    body, kind = support.multipart({"csrf": session.csrf}, "gros.csv", data)
    headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": ORIGIN}
    answer = console.client.http.post("/console/import", body=body, headers=headers)
    assert answer.status_code == 413
    page = answer.body.decode()
    assert "Fichier de plus de 4 Mo" in page and "Activez JavaScript" in page
    assert not list(Upload.scan())  # nothing staged

"""Large rosters through S3 (SPEC §4, issue 3): create an upload, PUT the file to its presigned
URL, the S3 event processes it; the upload's status shows progress and the final report; the file
does not stay in the bucket.

Locally the S3 event goes to an SQS queue that ``pump.drain`` hands to the very handler
``app.py`` declares, as Lambda would.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import requests

import app as application
from chalicelib import aws, jobs, settings
from chalicelib.domain import clock
from chalicelib.domain.clock import iso, utcnow
from chalicelib.local import pump
from chalicelib.roster import uploads
from chalicelib.store import uploads as upload_store
from chalicelib.store.models import Upload, Youth
from tests.support import integration as s

ROWS = 2600  # more than one progress step (every 2,000 rows)


@pytest.fixture
def key(client) -> str:
    s.load_directory(client, s.operator_key())
    return s.department_key("59")


def create(client, key: str, query: str = "") -> dict:
    answer = client.http.post(
        f"/departments/59/roster-uploads{query}", headers=s.auth(key, "application/json")
    )
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def status(client, key: str, upload_id: str):
    return client.http.get(
        f"/departments/59/roster-uploads/{upload_id}", headers=s.auth(key, "application/json")
    )


def put_file(upload: dict, data: bytes) -> None:
    """What a browser or a department's system does: an HTML-form POST of ``fields`` + the file."""
    answer = requests.post(
        upload["upload_url"], data=upload["fields"], files={"file": ("liste.csv", data)}, timeout=30
    )
    assert answer.status_code in (200, 201, 204), answer.text


def remaining_objects() -> list[str]:
    listed = aws.client("s3").list_objects_v2(
        Bucket=settings.current().upload_bucket, Prefix="uploads/"
    )
    return [item["Key"] for item in listed.get("Contents", [])]


def big_roster(count: int) -> bytes:
    today = clock.local_today("59", utcnow())
    rows = [
        # 17th birthdays 2 to 12 months away: nobody is due yet, so the scan the upload starts
        # finds nothing to refer (referring 2,600 youths is the scan tests' business)
        s.youth(f"BIG{n:05d}", s.birth_for(today, years=17, days=60 + n % 300))
        for n in range(count)
    ]
    return s.roster_csv(rows, sep=";")


def test_a_large_roster_posted_to_the_presigned_url_is_processed_and_reported(client, key):
    upload = create(client, key)
    assert upload["upload_url"].startswith(aws.client("s3").meta.endpoint_url)
    assert status(client, key, upload["upload_id"]).json_body["status"] == "waiting"
    # When the department PUTs its file and S3 notifies
    put_file(upload, big_roster(ROWS))
    pump.drain(application)
    # Then the upload is done, every row counted, the report is the roster report
    answer = status(client, key, upload["upload_id"])
    assert answer.status_code == 200
    body = answer.json_body
    assert (body["status"], body["rows_total"], body["rows_done"]) == ("done", ROWS, ROWS)
    report = body["report"]
    assert (report["rows"], report["created"], report["applied"]) == (ROWS, ROWS, True)
    assert report["rejected"] == []
    assert sum(1 for _ in Youth.query("59")) == ROWS
    # And the file is gone from the bucket
    assert remaining_objects() == []


def test_a_strict_file_with_a_rejected_row_is_rejected_with_its_report_and_writes_nothing(
    client, key
):
    today = clock.local_today("59", utcnow())
    rows = [
        s.youth("GOOD1", s.birth_for(today, years=17, days=10)),
        s.youth("BAD01", s.birth_for(today, years=17, days=10), code_commune="ABCDE"),
    ]
    upload = create(client, key)
    put_file(upload, s.roster_csv(rows))
    pump.drain(application)
    body = status(client, key, upload["upload_id"]).json_body
    assert body["status"] == "rejected"
    assert body["rows_total"] == 2
    (rejected,) = body["report"]["rejected"]
    assert (rejected["row"], rejected["id_externe"], rejected["column"]) == (
        3,
        "BAD01",
        "code_commune",
    )
    assert body["report"]["applied"] is False
    assert list(Youth.query("59")) == []
    assert remaining_objects() == []


def test_an_unreadable_file_is_rejected(client, key):
    upload = create(client, key)
    put_file(upload, b"\x00\x01PK\x03\x04 not a spreadsheet \xff\xfe")
    pump.drain(application)
    body = status(client, key, upload["upload_id"]).json_body
    assert body["status"] == "rejected"
    assert body["report"]["error"]["code"]
    assert body["rows_done"] == 0
    assert remaining_objects() == []


def test_a_dry_run_upload_reports_without_writing(client, key):
    upload = create(client, key, "?dry_run=true&mode=partial")
    put_file(upload, big_roster(5))
    pump.drain(application)
    body = status(client, key, upload["upload_id"]).json_body
    assert body["status"] == "done"
    assert (body["report"]["created"], body["report"]["applied"]) == (5, False)
    assert list(Youth.query("59")) == []


def test_an_upload_is_visible_only_to_its_department(client, key):
    upload = create(client, key)
    other = s.department_key("62", "Pas-de-Calais")
    foreign = client.http.get(
        f"/departments/62/roster-uploads/{upload['upload_id']}",
        headers=s.auth(other, "application/json"),
    )
    assert foreign.status_code == 404
    assert "upl_" not in json.dumps(foreign.json_body)
    unknown = status(client, key, "upl_" + "0" * 24)
    assert unknown.status_code == 404


def test_progress_never_counts_more_rows_than_the_file_has(client, key):
    # Given ten youths on file
    today = clock.local_today("59", utcnow())
    first = [s.youth(f"KEEP{n}", s.birth_for(today, years=17, days=n)) for n in range(10)]
    upload = create(client, key)
    put_file(upload, s.roster_csv(first))
    pump.drain(application)
    # When the next file keeps three of them and adds a child too young to be stored
    young = s.youth("YOUNG", s.birth_for(today, years=15, days=30))
    upload = create(client, key, "?confirm_exits=true")
    put_file(upload, s.roster_csv([*first[:3], young]))
    pump.drain(application)
    # Then the seven absent youths exited, and the progress counts the file's four rows
    body = status(client, key, upload["upload_id"]).json_body
    assert (body["report"]["exited"], body["report"]["skipped_too_young"]) == (7, 1)
    assert (body["status"], body["rows_total"], body["rows_done"]) == ("done", 4, 4)


def test_the_presigned_post_fixes_the_key_and_caps_the_size_at_50_mb(client, key):
    # (S3 enforces the policy; the embedded endpoint (moto) accepts any POST, so the policy
    # itself is what is checked here)
    upload = create(client, key)
    assert set(upload) == {"upload_id", "upload_url", "fields", "expires_at"}
    policy = json.loads(base64.b64decode(upload["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 50 * 1024 * 1024] in conditions
    assert {"key": f"uploads/59/{upload['upload_id']}"} in conditions
    assert upload["fields"]["key"] == f"uploads/59/{upload['upload_id']}"


def test_an_event_before_the_object_exists_leaves_the_upload_waiting(client, key):
    upload = create(client, key)
    bucket = settings.current().upload_bucket
    object_key = uploads.object_key("59", upload["upload_id"])
    # When S3's event arrives but the object is not there (yet)
    assert uploads.process_object(bucket, object_key, "req-early") == "waiting"
    assert status(client, key, upload["upload_id"]).json_body["status"] == "waiting"
    # Then the real upload is processed normally
    put_file(upload, big_roster(3))
    pump.drain(application)
    assert status(client, key, upload["upload_id"]).json_body["status"] == "done"


def test_an_upload_left_processing_by_a_killed_run_is_taken_again(client, key):
    upload = create(client, key)
    put_file(upload, big_roster(4))
    bucket = settings.current().upload_bucket
    object_key = uploads.object_key("59", upload["upload_id"])
    # Given a run that took the upload and was killed (Lambda timeout, out of memory)
    item = Upload.get(upload["upload_id"])
    assert upload_store.claim(item, "req-killed", utcnow())
    # When Lambda retries the same event (same request id), it is taken again and processed
    assert uploads.process_object(bucket, object_key, "req-killed") == "done"
    assert status(client, key, upload["upload_id"]).json_body["report"]["created"] == 4
    assert remaining_objects() == []


def test_a_claim_older_than_the_lambda_timeout_is_taken_by_another_run(client, key):
    upload = create(client, key)
    put_file(upload, big_roster(2))
    bucket = settings.current().upload_bucket
    object_key = uploads.object_key("59", upload["upload_id"])
    item = Upload.get(upload["upload_id"])
    assert upload_store.claim(item, "req-dead", utcnow() - upload_store.CLAIM_LEASE / 2)
    # a live claim is respected…
    assert uploads.process_object(bucket, object_key, "req-other") == "processing"
    # …a dead one (older than the lease) is not
    item.update(actions=[Upload.claimed_at.set(iso(utcnow() - 2 * upload_store.CLAIM_LEASE))])
    assert uploads.process_object(bucket, object_key, "req-other") == "done"


def test_exits_through_the_upload_route_need_the_confirmation_given_at_creation(client, key):
    today = clock.local_today("59", utcnow())
    everyone = [s.youth(f"UX{n:02d}", s.birth_for(today, years=17, days=n)) for n in range(10)]
    first = create(client, key)
    put_file(first, s.roster_csv(everyone))
    pump.drain(application)
    refused = create(client, key)
    put_file(refused, s.roster_csv(everyone[:2]))
    pump.drain(application)
    body = status(client, key, refused["upload_id"]).json_body
    assert body["status"] == "rejected"
    assert body["report"]["error"]["code"] == "exits_need_confirmation"
    assert body["report"]["exited_ids"] == [f"UX{n:02d}" for n in range(2, 10)]
    assert remaining_objects() == []


def a_run_dies_on(upload_id: str, claim_id: str, minutes_ago: int = 10) -> None:
    """What a run killed mid-processing leaves: the upload claimed, its lease now over."""
    item = Upload.get(upload_id)
    assert upload_store.claim(item, claim_id, utcnow() - timedelta(minutes=minutes_ago))


def an_upload_whose_event_was_consumed(client, key: str, rows: int) -> str:
    """An upload whose S3 event came (and went) while a run held it: no event will come again."""
    upload = create(client, key)
    put_file(upload, big_roster(rows))
    assert upload_store.claim(Upload.get(upload["upload_id"]), "req-live", utcnow())
    pump.drain(application)  # the event finds it taken
    assert status(client, key, upload["upload_id"]).json_body["status"] == "processing"
    return upload["upload_id"]


def test_an_upload_left_processing_by_a_run_that_died_is_taken_up_by_the_jobs(client, key):
    upload_id = an_upload_whose_event_was_consumed(client, key, rows=4)
    a_run_dies_on(upload_id, "req-live")
    # When the scheduled jobs run (no S3 event will come again)
    jobs.take_up_uploads(utcnow())
    pump.drain(application)
    # Then the upload was processed after all, and its file is gone
    answer = status(client, key, upload_id).json_body
    assert (answer["status"], answer["report"]["created"]) == ("done", 4)
    assert remaining_objects() == []


def test_an_upload_whose_runs_keep_dying_is_reported_failed_in_french(client, key):
    upload_id = an_upload_whose_event_was_consumed(client, key, rows=2)
    for claim_id, minutes_ago in (("req-live", 40), ("req-retry-1", 25), ("req-retry-2", 10)):
        a_run_dies_on(upload_id, claim_id, minutes_ago)  # the event's run and its 2 retries
    jobs.take_up_uploads(utcnow())
    pump.drain(application)
    answer = status(client, key, upload_id).json_body
    assert answer["status"] == "failed"
    assert "déposez-le à nouveau" in answer["report"]["error"]["message"]
    assert remaining_objects() == []
    assert not [y for y in Youth.scan() if y.department == "59"]
    # and the jobs leave it alone from then on
    assert jobs.take_up_uploads(utcnow()) == {}


def test_an_upload_whose_file_vanished_under_a_dead_run_is_reported_failed(client, key):
    upload_id = an_upload_whose_event_was_consumed(client, key, rows=2)
    aws.client("s3").delete_object(
        Bucket=settings.current().upload_bucket, Key=uploads.object_key("59", upload_id)
    )
    a_run_dies_on(upload_id, "req-live")
    jobs.take_up_uploads(utcnow())
    answer = status(client, key, upload_id).json_body
    assert answer["status"] == "failed"
    assert "Déposez-le à nouveau" in answer["report"]["error"]["message"]

"""The jobs fan out through SQS as on AWS: schedules enqueue per-department work, app.py's workers
take it, a failed item is reported alone, and a roster upload starts its department's scan."""

from __future__ import annotations

import json

import app
from chalicelib.domain import clock
from chalicelib.domain.clock import stands_at, utcnow
from chalicelib.fanout import schedule, work
from chalicelib.local import pump
from tests.support import integration as s


def _record(message_id: str, item: work.WorkItem) -> dict:
    return {"messageId": message_id, "receiptHandle": f"rh-{message_id}", "body": item.body()}


def test_a_failed_work_item_is_reported_alone_and_the_others_are_done(aws):
    # Given a department, and a work item for a department that does not exist
    s.department_key("59")
    event = {
        "Records": [
            _record("bad", work.WorkItem("scan", "00")),
            _record("good", work.WorkItem("digest", "59")),
        ]
    }
    # When the job worker receives both in one batch
    answer = app.job_worker(event, None)
    # Then only the bad one comes back to the queue (partial batch response)
    assert answer["batchItemFailures"] == [{"itemIdentifier": "bad"}]
    assert "digest" in answer["totals"]


def test_a_roster_upload_has_its_referrals_sent_without_waiting_for_the_schedule(client):
    # Given the directory and a department
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    today = clock.local_today("59", utcnow())
    row = s.youth("PROMPT1", s.birth_for(today, years=17, days=10))
    # When the department uploads its roster, and the queued events are handed to the workers
    answer = client.http.put(
        "/departments/59/roster", body=s.roster_csv([row]), headers=s.auth(key)
    )
    assert answer.status_code == 200 and answer.json_body["created"] == 1
    pump.drain(app)
    # Then the mission locale has its referral, and no schedule ran
    assert [m["to"] for m in s.sent()] == ["accueil@ml-lille.example.fr"]


def test_an_idle_schedule_enqueues_nothing(aws):
    s.department_key("59")
    s.department_key("974", name="La Réunion")
    with stands_at(utcnow()):
        counts = schedule.fan_out("dispatch")
    assert counts == {"departments": 2, "enqueued": 0}
    body = json.loads(work.WorkItem("scan", "59", {"k": {"S": "v"}}).body())
    assert body == {"job": "scan", "department": "59", "cursor": {"k": {"S": "v"}}}


def test_a_department_past_the_batch_size_is_scanned_in_batches_that_resume_after_each_other(aws):
    # Given 5 youths due today in one department
    from chalicelib.departments import service as departments
    from chalicelib.directory import service as directory
    from chalicelib.referrals import scan
    from chalicelib.roster import service as roster

    for name, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(name, body, actor="test")
    s.department_key("59")
    now = utcnow()
    today = clock.local_today("59", now)
    rows = [s.youth(f"B{n}", s.birth_for(today, years=17, days=5 + n)) for n in range(5)]
    roster.upload_any_size("59", s.roster_csv(rows), actor="test", now=now)
    department = departments.get("59")
    # When the scan takes them two at a time, each batch after the previous one's cursor
    read, cursor, batches = 0, None, 0
    while True:
        counts, cursor = scan.run_department(department, now, cursor, limit=2)
        read, batches = read + counts["youths_read"], batches + 1
        if cursor is None:
            break
    # Then every youth was read once, in three batches, and none is left due
    assert (read, batches) == (5, 3)
    assert not scan.has_work("59", now)


def test_a_scan_cursor_crosses_the_queue_without_the_youths_file_number(aws):
    # Given the scan's next-batch cursor: the due-index key holds a youth's file number
    cursor = {
        "department": {"S": "59"},
        "id_externe": {"S": "DOSSIER-4242"},
        "due_at": {"S": "2026-11-30"},
    }
    item = work.WorkItem("scan", "59", cursor)
    # When it is written on the queue (where a dead-letter queue may keep it for days)
    body = item.body()
    # Then the body names no file number, and the worker reads back the very same cursor
    assert "DOSSIER-4242" not in body and "id_externe" not in body
    assert work.WorkItem.from_body(body) == item


def test_only_the_first_delivery_of_a_work_item_queues_the_next_batch():
    from chalicelib.fanout.worker import _first_delivery

    record = _record("m1", work.WorkItem("scan", "59"))
    assert _first_delivery(record)  # as the local pump hands it (no attributes)
    assert _first_delivery({**record, "attributes": {"ApproximateReceiveCount": "1"}})
    assert not _first_delivery({**record, "attributes": {"ApproximateReceiveCount": "3"}})

"""Roster uploads through ``roster.service.upload_any_size``: 10,000 new rows, the same file
again, then the same roster with ~2 % of its rows changed; and the weekly digest over them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from bench import data
from bench.meter import AwsMeter, Reading
from bench.output import counted
from bench.world import World, add_departments, today_of

CODE = "59"
ROWS = 10_000
CHANGED_SHARE = 0.02


def _upload(meter: AwsMeter, body: bytes, now: datetime) -> tuple[Reading, dict]:
    from chalicelib.roster import service as roster

    with counted() as printed, meter.measure() as reading:
        started = time.perf_counter()
        report = roster.upload_any_size(CODE, body, actor="bench", now=now)
        seconds = time.perf_counter() - started
    if report["rejected"]:
        raise RuntimeError(f"bench roster rejected rows: {report['rejected'][:3]}")
    rows = report["rows"]
    return reading, {
        "rows": rows,
        "created": report["created"],
        "updated": report["updated"],
        "unchanged": report["unchanged"],
        "dynamodb_write_requests": reading.dynamodb_writes,
        "dynamodb_read_requests": reading.dynamodb_reads,
        "items_written": sum(reading.items_written.values()),
        "youth_items_written": reading.items_written[_table("youths")],
        "items_read": sum(reading.items_read.values()),
        "by_operation": reading.summary()["by_operation"],
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "log_bytes": printed.bytes,
        "emf_blobs": printed.emf_blobs,
    }


def measure_digest(meter: AwsMeter, now: datetime) -> dict:
    """The weekly risk digest over the 10,000 youths just uploaded."""
    from chalicelib import jobs

    with counted() as printed, meter.measure() as reading:
        started = time.perf_counter()
        totals = jobs.weekly_digest(now)
        seconds = time.perf_counter() - started
    return {
        "youths_stored": ROWS,
        "youths_read": reading.read_of("youths"),
        "digests_queued": totals.get("digests_queued", 0),
        "dynamodb_requests": reading.requests("dynamodb"),
        "seconds": round(seconds, 2),
        "log_bytes": printed.bytes,
        "_reading": reading,
    }


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    world.reset()
    add_departments([CODE], {CODE: data.TERRITORIES[CODE].name})
    rows = data.roster_rows(CODE, ROWS, today_of(now))
    body = data.roster_csv(rows)
    first_reading, first = _upload(meter, body, now)
    same_reading, again = _upload(meter, body, now)
    changed_rows, changes = data.changed(rows, CHANGED_SHARE)
    changed_reading, changed = _upload(meter, data.roster_csv(changed_rows), now)
    changed["rows_changed"] = changes
    world.drop_queued_work()  # the uploads' prompt-start scans: not the digest's requests
    youths = first_reading.puts[_table("youths")]
    return {
        "new": first,
        "same_file_again": again,
        "changed_2_percent": changed,
        "csv_bytes_per_row": round(len(body) / ROWS, 1),
        "youth_item_bytes": round(first_reading.put_bytes[_table("youths")] / max(youths, 1)),
        "youth_gsis_per_item": round(
            first_reading.gsi_entries[_table("youths")] / max(youths, 1), 3
        ),
        "digest": measure_digest(meter, now),
        "_new": first_reading,
        "_same": same_reading,
        "_changed": changed_reading,
    }


def _table(suffix: str) -> str:
    from chalicelib import settings

    return settings.current().table(suffix)

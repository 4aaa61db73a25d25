"""The first national morning (SPEC §10): 101 departments, 380,000 youths, every department
uploading its roster, ~60,000 catch-up referrals — through the fan-out, one invocation at a time.

Sampled, then extrapolated (a full run over moto would take hours): one department of
``SAMPLE_YOUTHS`` youths, ``DUE_SHARE`` of them due at once, goes through the real path — roster
upload (its prompt-start scan enqueued), then every work item of the jobs and sends queues handed
to app.py's worker handlers, each invocation metered on its own (botocore hooks). The 100 other
departments are registered, so that the schedules' fan-out reads and probes the whole country.
Batches are capped per invocation (scan 300 youths, dispatch by the sending rate), so an
invocation costs the same in any department; only the upload grows with the roster, and it is
extrapolated linearly to the largest department.
"""

from __future__ import annotations

import math
import os
import random
import time
from datetime import date, datetime, timedelta
from typing import Any

from bench import data
from bench.meter import AwsMeter
from bench.output import counted
from bench.world import World, add_departments, today_of

DEPARTMENTS = 101
YOUTHS = 380_000
CATCH_UP = 60_000
DUE_SHARE = CATCH_UP / YOUTHS
LARGEST_SHARE = 0.045  # the largest department's share of the youths (Nord, about 4.5 %)
SAMPLE_CODE, SAMPLE_YOUTHS = "59", 1_500
MS_PER_REQUEST = 10
SES_RATES = (14, 50)
SEND_WORKERS_RATE = 1_000  # the bench's pacing: messages are counted, not waited for


def _rows(today: date) -> list[dict]:
    due = round(SAMPLE_YOUTHS * DUE_SHARE)
    rows = data.due_rows(SAMPLE_CODE, due, today, seed=11)
    rng, territory = random.Random(13), data.TERRITORIES[SAMPLE_CODE]
    for n in range(SAMPLE_YOUTHS - due):  # 16 to 16.9: nothing due yet
        birth = data.birth_for_age(today, rng.uniform(16.01, 16.9))
        rows.append(data.youth_row(rng, territory, n, birth))
    return rows


def _drain(meter: AwsMeter, queue: str) -> list[dict]:
    """Every item of ``queue`` to its worker, one invocation each, metered one by one."""
    import app
    from chalicelib import aws, jobs
    from chalicelib.fanout import work

    sqs, url = aws.client("sqs"), work.queue_url(queue)
    handler = app.send_worker if queue == work.SENDS else app.job_worker
    invocations: list[dict] = []
    for message in aws.queued_messages(url):
        started = time.perf_counter()
        with meter.measure() as reading:
            answer = handler({"Records": [jobs.sqs_record(message, "arn:bench")]}, None)
        invocations.append(
            {"job": next(iter(answer.get("totals") or {"idle": {}})),
             "requests": reading.requests(), "sent": reading.provider_calls,
             "failed": len(answer.get("batchItemFailures") or []),
             "seconds": round(time.perf_counter() - started, 2)}
        )  # fmt: skip
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return invocations


def department_codes() -> list[str]:
    """The 101 departments: 01–95 (20 is 2A/2B) and the five overseas ones."""
    metropole = [f"{n:02d}" for n in range(1, 96) if n != 20]
    return [*metropole[:19], "2A", "2B", *metropole[19:], "971", "972", "973", "974", "976"]


def sample_morning(world: World, meter: AwsMeter, now: datetime) -> dict:
    """The sampled department's morning, on the real path; returns every invocation's figures."""
    from chalicelib.directory import service as directory
    from chalicelib.domain.clock import stands_at
    from chalicelib.fanout import schedule, work
    from chalicelib.roster import service as roster

    world.reset()
    os.environ["RELAIS_SEND_RATE"] = str(SEND_WORKERS_RATE)
    add_departments(department_codes(), {c: t.name for c, t in data.TERRITORIES.items()})
    rows = _rows(today_of(now))
    with counted(), stands_at(now):
        for name, body in data.directory_files().items():
            directory.load(name, body, actor="bench")
        started = time.perf_counter()
        with meter.measure() as upload:
            report = roster.upload_any_size(
                SAMPLE_CODE, data.roster_csv(rows), actor="bench", now=now
            )
        uploaded = {"job": "upload", "requests": upload.requests(), "sent": 0, "failed": 0,
                    "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip
        invocations = [uploaded, *_drain(meter, work.JOBS), *_drain(meter, work.SENDS)]
        with meter.measure() as fan_out:
            schedule.fan_out("dispatch", now + timedelta(minutes=5))
        invocations.append({"job": "dispatch schedule (101 probes)", "sent": 0, "failed": 0,
                            "requests": fan_out.requests(), "seconds": 0.0})  # fmt: skip
    return {"created": report["created"], "invocations": invocations}


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    previous = os.environ.get("RELAIS_SEND_RATE")
    try:
        sample = sample_morning(world, meter, now)
    finally:  # the bench's pacing is this phase's alone: the phases after it pace as configured
        if previous is None:
            os.environ.pop("RELAIS_SEND_RATE", None)
        else:
            os.environ["RELAIS_SEND_RATE"] = previous
    return extrapolate(sample["invocations"], sample["created"])


def extrapolate(invocations: list[dict], created: int) -> dict[str, Any]:
    """National figures from the sampled department's invocations. A full batch (300 youths
    scanned, ``MAX_BATCH`` messages sent) costs its per-item requests times its size, whatever
    the department; the upload grows with the roster (largest department: ``LARGEST_SHARE``)."""
    from chalicelib.delivery.rate import MAX_BATCH
    from chalicelib.referrals.scan import BATCH as SCAN_BATCH

    due = round(SAMPLE_YOUTHS * DUE_SHARE)
    upload = next(i for i in invocations if i["job"] == "upload")
    workers = [i for i in invocations if i["job"] in ("scan", "dispatch")]
    sent = sum(i["sent"] for i in workers)
    messages = sent * CATCH_UP / due
    per_youth = sum(i["requests"] for i in workers if i["job"] == "scan") / due
    per_message = sum(i["requests"] for i in workers if i["job"] == "dispatch") / max(sent, 1)
    largest = {
        "upload of the largest department": round(
            upload["requests"] * LARGEST_SHARE * YOUTHS / SAMPLE_YOUTHS
        ),
        f"full scan batch ({SCAN_BATCH} youths)": round(per_youth * SCAN_BATCH),
        f"full send batch ({MAX_BATCH} messages)": round(per_message * MAX_BATCH),
    }
    worst = max(largest, key=lambda name: largest[name])
    invocations_by_job: dict[str, int] = {}
    for invocation in invocations:
        invocations_by_job[invocation["job"]] = invocations_by_job.get(invocation["job"], 0) + 1
    national_invocations = (
        DEPARTMENTS  # uploads
        + math.ceil(CATCH_UP / SCAN_BATCH)
        + DEPARTMENTS  # full scan batches + a last one each
        + math.ceil(messages / MAX_BATCH)
        + DEPARTMENTS  # full send batches + a last one each
        + 4  # the schedules
    )
    return {
        "sampled": f"1 department of {SAMPLE_YOUTHS:,} youths ({due} due at once, {created} "
        f"created), extrapolated to {DEPARTMENTS} departments, {YOUTHS:,} youths, "
        f"{CATCH_UP:,} catch-up referrals",
        "sample_invocations": invocations_by_job,
        "sample_failed_items": sum(i["failed"] for i in invocations),
        "sample_messages_sent": sent,
        "requests_per_scanned_youth": round(per_youth, 2),
        "requests_per_sent_message": round(per_message, 2),
        "national_invocations": national_invocations,
        "national_messages": round(messages),
        "largest_invocations": largest,
        "largest_invocation": worst,
        "largest_invocation_requests": largest[worst],
        "largest_invocation_seconds_at_10ms": round(largest[worst] * MS_PER_REQUEST / 1000, 1),
        "send_batch_seconds": {f"{rate}/s": round(MAX_BATCH / (rate / 2), 1) for rate in SES_RATES},
        "hours_to_send_everything": {
            f"{rate}/s": round(messages / rate / 3600, 2) for rate in SES_RATES
        },
        "_invocations": invocations,
    }

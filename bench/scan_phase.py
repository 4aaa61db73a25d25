"""Daily scan over 100,000 stored youths, one send, the partner's link, then the reminders.

The ~300 due youths go through the real roster path (so their items are what the product
writes); the other 99,700 are seeded straight into the endpoint as lean items carrying what the
due-index sees (``department``, ``due_at`` in the future or absent). The scan must not read them.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import zip_longest
from typing import Any
from urllib.parse import urlsplit

from bench import data
from bench.meter import AwsMeter, Reading
from bench.output import counted
from bench.world import World, add_departments, today_of

STORED = {"59": 40_000, "13": 30_000, "93": 20_000, "974": 10_000}
DUE = {"59": 120, "13": 90, "93": 60, "974": 30}
REMINDER_AFTER = timedelta(days=8)
SEND_SAMPLE = 20  # email and SMS, across departments; each send is a moto transaction (slow)


def lean_youths(code: str, count: int, today: date, *, seed: int) -> Iterator[Any]:
    """Not-due youths aged 16 to 21: a future ``due_at`` (mission-locale lead time, or housing
    for some of the older ones) or none (everything already created)."""
    from chalicelib.domain.youth import birthday, majority_date
    from chalicelib.store.models import Youth

    rng = random.Random(seed)
    for n in range(count):
        birth = data.birth_for_age(today, rng.uniform(16.01, 20.95))
        ml_due = birthday(birth, 17) - timedelta(days=30)
        hj_due = majority_date(birth) - timedelta(days=183)
        due = ml_due if ml_due > today else hj_due if hj_due > today and n % 3 == 0 else None
        yield Youth(
            code,
            f"SEED-{code}-{n:06d}",
            record={},
            fingerprint="0" * 32,
            status="active",
            majority_date=majority_date(birth).isoformat(),
            due_at=due.isoformat() if due else None,
            created_at="2025-01-01T00:00:00Z",
            updated_at="2025-01-01T00:00:00Z",
        )


def prepare(world: World, now: datetime) -> dict:
    from chalicelib.directory import service as directory
    from chalicelib.roster import service as roster
    from chalicelib.store.models import Youth

    today = today_of(now)
    add_departments(list(STORED), {c: t.name for c, t in data.TERRITORIES.items()})
    with counted():
        for name, body in data.directory_files().items():
            directory.load(name, body, actor="bench")
        for code, due in DUE.items():
            rows = data.due_rows(code, due, today, seed=len(code) * 7 + due)
            report = roster.upload_any_size(code, data.roster_csv(rows), actor="bench", now=now)
            if report["created"] != due or report["rejected"]:
                raise RuntimeError(f"bench due roster not applied: {report['rejected'][:3]}")
    started = time.perf_counter()
    seeded = sum(
        world.seed(Youth, lean_youths(code, stored - DUE[code], today, seed=index))
        for index, (code, stored) in enumerate(STORED.items())
    )
    return {"seeded": seeded, "seed_seconds": round(time.perf_counter() - started, 1)}


def measure_scan(meter: AwsMeter, now: datetime) -> tuple[Reading, dict]:
    from chalicelib import jobs

    due = sum(DUE.values())
    with counted() as printed, meter.measure() as reading:
        started = time.perf_counter()
        totals = jobs.daily_scan(now)
        seconds = time.perf_counter() - started
    youths_read = reading.read_of("youths")
    return reading, {
        "youths_stored": sum(STORED.values()),
        "due": due,
        "youth_items_read": youths_read,
        "youth_items_scanned": sum(
            n for table, n in reading.items_scanned.items() if table.endswith("-youths")
        ),
        "items_read_per_due": round(youths_read / due, 3),
        "total_items_read": sum(reading.items_read.values()),
        "items_read_by_table": _by_table(reading.items_read),
        "requests": reading.summary()["by_operation"],
        "dynamodb_requests": reading.requests("dynamodb"),
        "referrals_created": totals.get("referrals_created", 0),
        "scan_totals": totals,
        "seconds": round(seconds, 2),
        "log_bytes": printed.bytes,
        "emf_blobs": printed.emf_blobs,
    }


def _queued(now: datetime, purpose: str) -> list[Any]:
    """Messages due at ``now`` for ``purpose``, taken in turn from each department."""
    from chalicelib.domain.clock import iso
    from chalicelib.store.models import Message

    queues = [
        [m for m in Message.dispatch_index.query(code, Message.dispatch_at <= iso(now))
         if m.purpose == purpose]
        for code in STORED
    ]  # fmt: skip
    return [m for batch in zip_longest(*queues) for m in batch if m is not None]


def _send_all(meter: AwsMeter, messages: list[Any], now: datetime) -> tuple[Reading, dict]:
    from chalicelib.delivery import dispatch
    from chalicelib.departments import service as departments

    by_code = {code: departments.get(code) for code in STORED}
    outcomes: Counter = Counter()
    with counted() as printed, meter.measure() as reading:
        started = time.perf_counter()
        for message in messages:
            outcomes[dispatch.send_one(by_code[message.department], message, now)] += 1
        seconds = time.perf_counter() - started
    sent = max(outcomes["sent"], 1)
    return reading, {
        "outcomes": dict(outcomes),
        "dynamodb_requests_per_message": round(reading.requests("dynamodb") / sent, 2),
        "provider_calls_per_message": round(reading.provider_calls / sent, 2),
        "emails": reading.emails,
        "sms": reading.sms,
        "sms_segments": reading.sms_segments,
        "email_bytes_per_email": round(reading.email_bytes / max(reading.emails, 1)),
        "seconds_per_message": round(seconds / sent, 4),
        "log_bytes_per_message": round(printed.bytes / sent),
        "by_operation": reading.summary()["by_operation"],
    }


def measure_send(meter: AwsMeter, now: datetime) -> dict:
    """One referral sent as dispatch sends each message (``send_one``: claim, provider, record),
    then a sample across departments and channels. The rest stays queued: on the embedded
    endpoint each transaction copies the whole table (moto), which only the bench's clock minds."""
    queued = _queued(now, "referral")
    first = next(m for m in queued if m.channel == "email")
    one, _ = _send_all(meter, [first], now)
    sample_reading, sample = _send_all(
        meter, [m for m in queued if m is not first][:SEND_SAMPLE], now
    )
    return {
        "queued": len(queued),
        "message_id": first.message_id,
        "dynamodb_requests": one.requests("dynamodb"),
        "provider_calls": one.provider_calls,
        "requests": one.summary()["by_operation"],
        "sample": sample,
        "_reading": sample_reading,
    }


def measure_ack(meter: AwsMeter) -> dict:
    """The partner opens the link of the first referral sent, then accepts (through the API)."""
    from chalice.test import Client

    from app import app
    from chalicelib.local import outbox

    link = next(m["ack_url"] for m in outbox.fetch() if m["channel"] == "email" and m["ack_url"])
    path = urlsplit(link).path
    with Client(app, stage_name="dev") as client:
        with counted() as get_printed, meter.measure() as get:
            started = time.perf_counter()
            page = client.http.get(path)
            get_seconds = time.perf_counter() - started
        with counted() as post_printed, meter.measure() as post:
            started = time.perf_counter()
            answer = client.http.post(
                path,
                # an appointment within SPEC §4's window (60 days ago to 2 years ahead)
                body=f"reponse=accepte&date_rdv={date.today() + timedelta(days=30)}"
                "&commentaire=RDV+pris".encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            post_seconds = time.perf_counter() - started
    return {
        "get_status": page.status_code,
        "get_dynamodb_requests": get.requests("dynamodb"),
        "get_requests": get.summary()["by_operation"],
        "get_seconds": round(get_seconds, 4),
        "post_status": answer.status_code,
        "post_dynamodb_requests": post.requests("dynamodb"),
        "post_requests": post.summary()["by_operation"],
        "post_seconds": round(post_seconds, 4),
        "_get": (get, get_printed),
        "_post": (post, post_printed),
    }


def measure_ses_event(meter: AwsMeter, message_id: str) -> dict:
    """The SES "Delivery" notification of one sent email, through the SNS handler's code."""
    from chalicelib.delivery import events

    notification = json.dumps(
        {
            "eventType": "Delivery",
            "mail": {"messageId": "bench", "tags": {"relais_message": [message_id]}},
            "delivery": {"timestamp": "2030-01-01T10:00:00.000Z"},
        }
    )
    with counted() as printed, meter.measure() as reading:
        started = time.perf_counter()
        outcome = events.handle(notification)
        seconds = time.perf_counter() - started
    return {
        "outcome": outcome,
        "dynamodb_requests": reading.requests("dynamodb"),
        "seconds": round(seconds, 4),
        "_reading": reading,
        "_printed": printed,
    }


def measure_reminders(meter: AwsMeter, now: datetime) -> dict:
    """A week later nobody else answered: the follow-up job queues one reminder per referral
    sent above, then each reminder is sent."""
    from chalicelib import jobs

    later = now + REMINDER_AFTER
    with counted() as printed, meter.measure() as queueing:
        started = time.perf_counter()
        followups = jobs.follow_up(later)
        seconds = time.perf_counter() - started
    reminders = max(followups.get("reminder", 0), 1)
    sending_reading, sending = _send_all(meter, _queued(later, "reminder"), later)
    return {
        "reminders": followups.get("reminder", 0),
        "followup_dynamodb_requests_per_reminder": round(
            queueing.requests("dynamodb") / reminders, 2
        ),
        "followup_seconds_per_reminder": round(seconds / reminders, 4),
        "followup_log_bytes_per_reminder": round(printed.bytes / reminders),
        "sending": sending,
        "_reading": queueing,
        "_sending": sending_reading,
    }


def _by_table(counter: Any) -> dict[str, int]:
    return {table.rsplit("-", 1)[-1]: n for table, n in sorted(counter.items()) if n}


def run(world: World, meter: AwsMeter, now: datetime) -> dict[str, Any]:
    world.reset()
    setup = prepare(world, now)
    world.drop_queued_work()  # the due rosters' prompt scans: the daily scan below is measured
    scan_reading, scan = measure_scan(meter, now)
    send = measure_send(meter, now)
    ack = measure_ack(meter)
    ses_event = measure_ses_event(meter, send["message_id"])
    reminders = measure_reminders(meter, now)
    return {
        "setup": setup,
        "scan": scan,
        "send": send,
        "ack": ack,
        "ses_event": ses_event,
        "reminders": reminders,
        "_scan_reading": scan_reading,
    }

"""A fresh process that is ``make run`` holding a real department (SPEC §10, v3).

``python -m bench.department_child NOW`` (environment inherited from the bench): starts what
``make run`` starts (``chalicelib.local.run.services``: the embedded AWS endpoint, the local OpenID
provider, the API server, on free ports), loads a directory and department 59, uploads a roster
of ``YOUTHS`` youths (``DUE`` of them due) as the console does (straight to S3), then turns
``make run``'s loop (the event pump, then ``run.tick``) until nothing is left: the upload, its
prompt scan and the sends. Then it requests the console's youths list as a signed-in agent,
counting the DynamoDB requests and items it reads. Prints one JSON line; the product's logs go
to /dev/null. The parent (``department_phase``) samples the RSS of this process tree.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from bench.meter import AwsMeter

YOUTHS, DUE = 20_000, 3_000
NOT_DUE_AGES = (16.01, 16.85)  # their mission-locale referral is still ahead
CODE = "59"
PAGE_SAMPLES = 3
SLOW_PAGE_SECONDS = 5.0  # the budget is 1 s: more loads of a page that slow tell nothing more
YOUTH_LINK = re.compile(r'href="/console/jeunes/([A-Za-z0-9_-]{8,})"')


def rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def roster_file(now: datetime) -> bytes:
    from bench import data
    from bench.world import today_of

    today = today_of(now, CODE)
    waiting = data.roster_rows(CODE, YOUTHS - DUE, today, seed=41, ages=NOT_DUE_AGES)
    return data.roster_csv(waiting + data.due_rows(CODE, DUE, today, seed=43))


def prepare() -> None:
    from bench import data
    from bench.world import add_departments
    from chalicelib.console import agents
    from chalicelib.directory import service as directory
    from chalicelib.local.demo import AGENTS

    for name, body in data.directory_files().items():
        directory.load(name, body, actor="bench")
    add_departments([CODE], {CODE: data.TERRITORIES[CODE].name})
    agents.add(CODE, AGENTS[CODE][0], actor="bench")


def upload(body: bytes) -> str:
    """What the console's import page does: a new upload, the file straight to S3."""
    from chalicelib import aws, settings
    from chalicelib.roster import uploads

    created = uploads.create(CODE, mode="strict", dry_run=False, actor="bench")
    key = uploads.object_key(CODE, created["upload_id"])
    aws.client("s3").put_object(Bucket=settings.current().upload_bucket, Key=key, Body=body)
    return str(created["upload_id"])


def run_until_idle(now: datetime) -> dict[str, Any]:
    """``make run``'s loop without its 30 s pauses: the pump until it finds nothing, then a tick
    (dispatch, follow-ups), until a turn handles nothing."""
    import app as entry_points
    from chalicelib.domain import clock
    from chalicelib.local import pump, run

    turns = handled = 0
    with clock.stands_at(now):
        while True:
            turns += 1
            this_turn = pump.drain(entry_points)
            run.tick(entry_points, now, now.date())
            handled += this_turn
            if not this_turn:
                return {"loop_turns": turns, "events_and_work_items": handled}


def outcome(upload_id: str) -> dict[str, Any]:
    from chalicelib import settings
    from chalicelib.local.outbox import OUTBOX_PATH
    from chalicelib.roster import uploads
    from chalicelib.store.models import Referral

    report = uploads.status(CODE, upload_id).get("report") or {}
    endpoint = str(settings.current().endpoint_url)
    with urllib.request.urlopen(endpoint + OUTBOX_PATH, timeout=60) as answer:
        sent = json.loads(answer.read())
    return {
        "rows": report.get("rows"),
        "created": report.get("created"),
        "rejected": len(report.get("rejected") or []),
        "referrals": sum(1 for _ in Referral.scan()),
        "emails_sent": sum(1 for record in sent if record["channel"] == "email"),
        "sms_sent": sum(1 for record in sent if record["channel"] == "sms"),
    }


def signed_in(api_url: str) -> requests.Session:
    """A browser session of department 59's agent, through the local OpenID provider."""
    from chalicelib.local.demo import AGENTS

    browser = requests.Session()
    start = browser.get(f"{api_url}/console/connexion/proconnect", allow_redirects=False)
    chosen = requests.post(
        start.headers["Location"], data={"sub": AGENTS[CODE][0]}, allow_redirects=False
    )
    callback = urlsplit(chosen.headers["Location"])
    done = browser.get(f"{api_url}{callback.path}?{callback.query}", allow_redirects=False)
    if done.status_code != 303 or "relais_session" not in browser.cookies:
        raise RuntimeError(f"console sign-in failed: {done.status_code}")
    return browser


def youths_page(api_url: str, meter: AwsMeter) -> dict[str, Any]:
    """The console's youths list as the agent opens it (its first page), up to ``PAGE_SAMPLES``
    times (once only when a load is already far over budget): the DynamoDB requests and items of
    one load, the rows it shows, its render time (median) and HTTP statuses. An error page is
    measured too (its rows: none)."""
    browser = signed_in(api_url)
    browser.get(f"{api_url}/console/jeunes")  # the console's code loaded once, as after a click
    seconds, readings, statuses, body = [], [], [], ""
    for _ in range(PAGE_SAMPLES):
        with meter.measure() as reading:
            started = time.perf_counter()
            page = browser.get(f"{api_url}/console/jeunes")
            seconds.append(time.perf_counter() - started)
        readings.append(reading)
        statuses.append(page.status_code)
        body = page.text if page.status_code == 200 else body
        if seconds[-1] > SLOW_PAGE_SECONDS:
            break
    rows = len(set(YOUTH_LINK.findall(body)))
    return {
        "rows_shown": rows,
        "statuses": statuses,
        "dynamodb_requests": max(r.requests() for r in readings),
        "items_read": max(sum(r.items_read.values()) for r in readings),
        "items_budget": 3 * rows + 20,
        "seconds": round(statistics.median(seconds), 3),
    }


def main(now_iso: str) -> dict[str, Any]:
    from bench.world import gsi_keys
    from chalicelib.local import run

    now = datetime.fromisoformat(now_iso)
    meter = AwsMeter(gsi_keys())
    meter.install()  # before the product's first client: every DynamoDB request is counted
    with run.services(run.Ports(api=0, aws=0)) as running:
        prepare()
        body = roster_file(now)
        resting = rss_mb()
        started, cpu_before = time.perf_counter(), _cpu_seconds()
        with meter.measure() as whole_run:
            upload_id = upload(body)
            loop = run_until_idle(now)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
        after_run = rss_mb()
        idle = run_until_idle(now)  # a quiet turn of the loop: nothing should grow
        # read before the bench's own counting (the whole outbox, every referral)
        after_quiet_turn, peak_run = rss_mb(), rss_mb(field="VmHWM")
        result = {
            "youths": YOUTHS,
            "email_rate_per_second": float(os.environ["RELAIS_SEND_RATE"]),  # make run's pace
            "due": DUE,
            "file_bytes": len(body),
            "minutes": round(seconds / 60, 2),
            "cpu_seconds": round(cpu, 1),  # every thread's: the endpoint's, the API's, the loop's
            **loop,
            "dynamodb_requests": whole_run.requests(),
            **outcome(upload_id),
            "rss_resting_mb": resting,
            "rss_after_run_mb": after_run,
            "rss_after_quiet_turn_mb": after_quiet_turn,
            # the process holds all of make run (no child process): its high-water mark is the
            # tree's, before the console page's own reads
            "peak_rss_run_mb": peak_run,
            "quiet_turn_items": idle["events_and_work_items"],
            "youths_page": youths_page(running.api_url, meter),
        }
    result["peak_rss_self_mb"] = rss_mb(field="VmHWM")
    return result


if __name__ == "__main__":
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the product's logs, for the whole run)
    figures = main(sys.argv[1])
    real_stdout.write(json.dumps(figures) + "\n")

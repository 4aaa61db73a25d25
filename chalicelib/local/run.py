"""``make run``: embedded AWS, provisioning, demo data, the API on :8000, and the jobs loop.

One process holds everything (moto server thread, API server thread, jobs loop), so Ctrl-C
stops it all and leaves no orphan process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

API_PORT = 8000
AWS_PORT = 4566
LOOP_SECONDS = int(os.environ.get("RELAIS_LOOP_SECONDS", "30"))
LOG_FILE = Path(".local/relais-run.log")


def _environment() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    os.environ.setdefault("RELAIS_STAGE", "dev")
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{API_PORT}")
    os.environ.setdefault("RELAIS_SEND_RATE", "14")  # moto's fake SES account says 1/s


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops as cleanly as Ctrl-C
    _environment()
    from chalicelib.local.endpoint import EmbeddedAws

    if not _free(API_PORT):
        raise SystemExit(f"Le port {API_PORT} est déjà utilisé : arrêtez l'autre serveur.")
    aws = EmbeddedAws(port=AWS_PORT if _free(AWS_PORT) else 0)
    aws.start()
    os.environ["AWS_ENDPOINT_URL"] = aws.url
    provider = _start_provider()
    LOG_FILE.parent.mkdir(exist_ok=True)
    terminal = sys.stdout
    print(f"Journaux JSON et métriques EMF : {LOG_FILE}", file=terminal)
    try:
        with LOG_FILE.open("a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
            _serve(aws, terminal)
    except KeyboardInterrupt:
        print("\nArrêt demandé : tout s'arrête.", file=terminal)
    finally:
        provider.stop()
        aws.stop()


def _start_provider() -> Any:
    """The local OpenID provider standing in for ProConnect, with the demo agents."""
    from chalicelib.local.demo import AGENTS
    from chalicelib.local.oidc_provider import MockProvider

    agents = {email: (given, usual) for email, given, usual in AGENTS.values()}
    provider = MockProvider(agents).start()
    os.environ["OIDC_ISSUER"] = provider.issuer
    return provider


def _serve(aws: Any, terminal: TextIO) -> None:
    from chalice.config import Config

    import app as entry_points
    from chalicelib import jobs
    from chalicelib.domain.clock import utcnow
    from chalicelib.local import demo_setup
    from chalicelib.local.server import create_server
    from chalicelib.provisioning import provision

    provision()
    keys = demo_setup.load()
    config = Config.create(chalice_stage="dev", app_name="relais-ase")
    server = create_server(entry_points.app, config, "127.0.0.1", API_PORT)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    summary = jobs.run_all(utcnow())
    demo_setup.explain(aws.url, keys, summary, out=terminal)
    last_scan_day = utcnow().date()
    try:
        while True:
            time.sleep(LOOP_SECONDS)
            last_scan_day = tick(entry_points, utcnow(), last_scan_day)
    finally:
        server.shutdown()


def tick(entry_points: ModuleType, now: datetime, last_scan_day: date) -> date:
    """One turn of the local loop: what AWS triggers and schedules would have done meanwhile.
    Returns the day of the last daily scan. A failing job is logged and retried next turn."""
    from chalicelib import jobs
    from chalicelib.local import pump
    from chalicelib.runs import JobItemsError

    pump.drain(entry_points)
    try:
        if now.date() != last_scan_day:
            jobs.daily_scan(now)
            jobs.follow_up(now)  # answers and escalations of the day before reach the digest
            jobs.alert_digest(now)  # once a day, like its 05:30 schedule
            last_scan_day = now.date()
        jobs.dispatch_messages(now)
        jobs.follow_up(now)
    except JobItemsError:
        pass  # logged by the job itself; its items stay due for the next turn
    return last_scan_day


if __name__ == "__main__":
    main()

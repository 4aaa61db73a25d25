"""``make run``: embedded AWS, provisioning, demo data, the API, and the jobs loop.

One process holds everything (moto server thread, API server thread, jobs loop), so Ctrl-C
stops it all and leaves no orphan process. ``make run PORT=8100 AWS_PORT=4600`` (here
``--port`` / ``--aws-port``) serves elsewhere, so that a second checkout runs beside the first:
every link printed or sent follows (``PUBLIC_BASE_URL``, the OpenID redirect URIs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

DEFAULT_API_PORT = 8000
DEFAULT_AWS_PORT = 4566
HOST = "127.0.0.1"
LOOP_SECONDS = int(os.environ.get("RELAIS_LOOP_SECONDS", "30"))
LOG_FILE = Path(".local/relais-run.log")


@dataclass(frozen=True)
class Ports:
    """Where ``make run`` serves: the API (and console) and the embedded AWS endpoint."""

    api: int = DEFAULT_API_PORT
    aws: int = DEFAULT_AWS_PORT

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api}"


def ports_from(argv: list[str]) -> Ports:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.local.run")
    parser.add_argument("--port", type=int, default=DEFAULT_API_PORT, help="API and console")
    parser.add_argument("--aws-port", type=int, default=DEFAULT_AWS_PORT, help="embedded AWS")
    parsed = parser.parse_args(argv)
    return Ports(api=parsed.port, aws=parsed.aws_port)


def environment(ports: Ports) -> None:
    """The local stage's settings; the public base URL (every sent link, the OpenID redirect
    URIs) is the API's address."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    os.environ.setdefault("RELAIS_STAGE", "dev")
    os.environ["PUBLIC_BASE_URL"] = ports.api_url
    os.environ.setdefault("RELAIS_SEND_RATE", "14")  # moto's fake SES account says 1/s


def free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@dataclass
class Services:
    """What ``make run`` serves, started: the embedded AWS endpoint, the local OpenID provider
    and the API server (its own thread)."""

    aws: Any
    provider: Any
    api: Any
    api_url: str


@contextlib.contextmanager
def services(ports: Ports) -> Iterator[Services]:
    """Start everything on ``ports`` (port 0: any free one), provisioned; stop it all after.
    The API port must be free; the AWS port falls back to a free one when taken."""
    environment(ports)
    from chalicelib.local import heap
    from chalicelib.local.endpoint import EmbeddedAws

    if ports.api and not free(ports.api):
        raise SystemExit(
            f"Le port {ports.api} est déjà utilisé : arrêtez l'autre serveur "
            "ou choisissez-en un autre (make run PORT=8100 AWS_PORT=4600)."
        )
    aws = EmbeddedAws(port=ports.aws if ports.aws and free(ports.aws) else 0)
    aws.start()
    heap.keep_steady()  # 20,000 youths' items out of every full garbage collection
    os.environ["AWS_ENDPOINT_URL"] = aws.url
    provider = _start_provider()
    try:
        api = _start_api(ports.api)
        try:
            yield Services(aws, provider, api, os.environ["PUBLIC_BASE_URL"])
        finally:
            _stop_api(api)
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


def _start_api(port: int) -> Any:
    """Provision, then serve app.py; with port 0, the public base URL names the port taken."""
    from chalice.config import Config

    import app as entry_points
    from chalicelib.local.server import create_server
    from chalicelib.provisioning import provision

    config = Config.create(chalice_stage="dev", app_name="relais-ase")
    server = create_server(entry_points.app, config, HOST, port)
    if not port:
        os.environ["PUBLIC_BASE_URL"] = f"http://{HOST}:{server.server.server_port}"
    provision()
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    return server


def _stop_api(server: Any) -> None:
    from chalice.local import CustomLocalChalice

    import app as entry_points

    server.shutdown()
    server.server.server_close()
    # create_server swapped the app's class for Chalice's local one: the app is itself again
    if entry_points.app.__class__ is CustomLocalChalice:
        entry_points.app.__class__ = CustomLocalChalice.__bases__[1]


def main(argv: list[str] | None = None) -> None:
    ports = ports_from(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops as cleanly as Ctrl-C
    LOG_FILE.parent.mkdir(exist_ok=True)
    terminal = sys.stdout
    print(f"Journaux JSON et métriques EMF : {LOG_FILE}", file=terminal)
    try:
        with (
            LOG_FILE.open("a", encoding="utf-8") as log,
            contextlib.redirect_stdout(log),
            services(ports) as running,
        ):
            _demo_and_loop(running, terminal)
    except KeyboardInterrupt:
        print("\nArrêt demandé : tout s'arrête.", file=terminal)


def _demo_and_loop(running: Services, terminal: TextIO) -> None:
    import app as entry_points
    from chalicelib import jobs
    from chalicelib.domain.clock import utcnow
    from chalicelib.local import demo_setup

    keys = demo_setup.load()
    summary = jobs.run_all(utcnow())
    demo_setup.explain(running.aws.url, keys, summary, out=terminal)
    last_scan_day = utcnow().date()
    while True:
        time.sleep(LOOP_SECONDS)
        last_scan_day = tick(entry_points, utcnow(), last_scan_day)


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

"""``make run PORT=… AWS_PORT=…``: the API, the console's sign-in and every link follow the ports
chosen, so that a second checkout runs beside the first."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib import tokens
from chalicelib.console import oidc
from chalicelib.local import run

ROOT = Path(__file__).resolve().parents[2]
# run.py holds the default ports; settings.py the default public base URL (for AWS stages it is
# configuration); everything else derives from them
DEFAULTS_AT = {"chalicelib/local/run.py", "chalicelib/settings.py"}
PORT_LITERAL = re.compile(r"(?<![\d.])(8000|4566)(?!\d)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def restored_environment(monkeypatch):
    """``services`` sets the process's endpoint, issuer and public URL: put them back after."""
    for name in ("AWS_ENDPOINT_URL", "PUBLIC_BASE_URL", "OIDC_ISSUER"):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    yield
    oidc.forget()


def test_the_ports_come_from_the_command_line_with_8000_and_4566_by_default():
    assert run.ports_from([]) == run.Ports(api=8000, aws=4566)
    chosen = run.ports_from(["--port", "8100", "--aws-port", "4600"])
    assert chosen == run.Ports(api=8100, aws=4600)
    assert chosen.api_url == "http://127.0.0.1:8100"


def test_make_run_passes_port_and_aws_port_to_the_run_module():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m chalicelib.local.run --port $(PORT) --aws-port $(AWS_PORT)" in makefile


def test_everything_served_and_every_link_follows_the_chosen_ports(aws, restored_environment):
    api_port, aws_port = free_port(), free_port()
    oidc.forget()

    with run.services(run.Ports(api=api_port, aws=aws_port)) as running:
        assert running.aws.url == f"http://127.0.0.1:{aws_port}"
        assert running.api_url == f"http://127.0.0.1:{api_port}"
        assert requests.get(f"{running.api_url}/health", timeout=10).status_code == 200
        start = requests.get(
            f"{running.api_url}/console/connexion/proconnect", allow_redirects=False, timeout=10
        )
        assert start.status_code == 302
        redirect = parse_qs(urlsplit(start.headers["Location"]).query)["redirect_uri"]
        assert redirect == [f"http://127.0.0.1:{api_port}/console/connexion/retour"]
        assert tokens.ack_url("r_example").startswith(f"http://127.0.0.1:{api_port}/ack/")

    assert run.free(api_port)  # stopped, the port released


def test_a_taken_api_port_is_refused_with_a_way_out(restored_environment):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit, match="PORT="), run.services(run.Ports(api=port, aws=0)):
            pass


def test_no_port_is_written_in_the_code_but_the_defaults():
    sources = [*ROOT.glob("chalicelib/**/*.py"), ROOT / "app.py", *ROOT.glob("bench/*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        if str(path.relative_to(ROOT)) not in DEFAULTS_AT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PORT_LITERAL.search(line)
    ]
    assert found == []

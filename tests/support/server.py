"""The embedded AWS endpoint in its own process, for the reliability scenario (test code).

Run as ``python -m tests.support.server``: prints the endpoint URL on its first line, serves
until its stdin closes (the parent ended or died). In its own process the endpoint works on the
second core while the jobs run in the test process; there moto's transactions snapshot only the
items they write (``moto_speed``), which the serialising fault proxy makes safe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


def main() -> None:
    from chalicelib.local.endpoint import EmbeddedAws
    from tests.support.moto_speed import item_level_rollback

    with item_level_rollback():
        server = EmbeddedAws(port=0)
        server.start()
        print(server.url, flush=True)
        try:
            sys.stdin.read()
        finally:
            server.stop()


@contextmanager
def separate_endpoint() -> Iterator[str]:
    """Start the endpoint process, yield its URL, stop it (and only it) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.server"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the endpoint process did not start")
        yield url
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()

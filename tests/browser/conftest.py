"""Browser fixtures: Debian's Chromium driven by Playwright, the API on a loopback port.

The browser is the system's ``chromium`` (``make test`` installs it when it can); Playwright only
drives it, its own browser download is never used. Where Chromium or Playwright is absent the
browser tests are skipped with the reason, never failed.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chalicelib.local.endpoint import EmbeddedAws
from tests.support import console as support
from tests.support import integration as s
from tests.support.static_site import StaticSite, serving

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Chromium absent (make test installs Debian's chromium when root with apt-get)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright absent: pip install -r requirements-dev.txt"
    )
    with sync_api.sync_playwright() as playwright:
        # launch() gives Chromium a fresh temporary --user-data-dir of its own
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@dataclass(frozen=True)
class LocalApi:
    url: str


@pytest.fixture(scope="session")
def local_api(aws_endpoint: EmbeddedAws) -> Iterator[LocalApi]:
    """app.py on Chalice's local server, on a free loopback port, in a daemon thread."""
    from chalice.config import Config
    from chalice.local import create_local_server

    from app import app

    original_class = app.__class__  # create_local_server swaps the app's class; put it back
    config = Config.create(chalice_stage="dev", app_name="relais-ase")
    server = create_local_server(app, config, "127.0.0.1", 0)
    port = server.server.server_address[1]
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield LocalApi(url=f"http://127.0.0.1:{port}")
    server.shutdown()
    server.server.server_close()
    thread.join(timeout=5)
    app.__class__ = original_class


@pytest.fixture
def api(local_api: LocalApi, aws: EmbeddedAws) -> Iterator[LocalApi]:
    """The local API over a fresh endpoint, with the links of messages pointing at it."""
    previous = os.environ.get("PUBLIC_BASE_URL")
    os.environ["PUBLIC_BASE_URL"] = local_api.url
    yield local_api
    if previous is None:
        os.environ.pop("PUBLIC_BASE_URL", None)
    else:
        os.environ["PUBLIC_BASE_URL"] = previous


@pytest.fixture
def other_site() -> Iterator[StaticSite]:
    """A page on another local origin; ``serve(html)`` sets what it answers."""
    with serving(StaticSite("text/html; charset=utf-8")) as site:
        yield site


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def agent_page(api, oidc_provider, browser):
    """A fresh browser context on the local API, departments with their agents, the directory."""
    from chalicelib.console import oidc
    from chalicelib.directory import service as directory

    oidc.forget()
    support.add_departments()
    for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
        directory.load(kind, body, actor="test")
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()

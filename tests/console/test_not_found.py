"""An unknown path answers a French 404: a page for a browser, the JSON error for an API client
(SPEC §4, §4b), through the test client and through the local server of ``make run``."""

from __future__ import annotations

import threading

import pytest
import requests
from chalice.config import Config

import app as application
from chalicelib.local.server import create_server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PATHS = ["/nulle-part", "/console/inconnue", "/departments/59/inconnue", "/ack"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_browser_gets_a_french_page_for_an_unknown_path(client, path, method):
    answer = client.http.request(method, path, headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("text/html")
    page = answer.body.decode()
    assert '<html lang="fr">' in page and "Page introuvable" in page
    assert "Missing Authentication Token" not in page


@pytest.mark.parametrize("path", PATHS)
def test_an_api_client_gets_the_french_json_error_for_an_unknown_path(client, path):
    for headers in ({}, {"Accept": "application/json"}, {"Authorization": "Bearer x"}):
        answer = client.http.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.json_body["error"]["code"] == "not_found"
        assert answer.json_body["error"]["message"].startswith("Adresse inconnue")


def test_the_local_server_of_make_run_answers_a_browser_with_the_french_page(client):
    original = application.app.__class__  # the local server makes the app a local one
    server = create_server(application.app, Config.create(chalice_stage="dev"), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server.server_address[1]}"
        page = requests.get(f"{url}/console/inconnue", headers={"Accept": BROWSER}, timeout=10)
        assert page.status_code == 404 and "Page introuvable" in page.text
        assert page.headers["Content-Type"].startswith("text/html")
        api = requests.get(f"{url}/nulle-part", timeout=10)
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    finally:
        server.shutdown()
        application.app.__class__ = original

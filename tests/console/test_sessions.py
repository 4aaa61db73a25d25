"""Sessions: idle and maximum lifetimes, hashed ids, cookie flags, security headers, references."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import refs
from chalicelib.console import sessions, web
from chalicelib.domain.clock import utcnow
from chalicelib.errors import NotFoundError
from chalicelib.store.console import ConsoleItem
from tests.support import console as support


def session_id(session: support.Session) -> str:
    return session.cookie.split("=", 1)[1]


def test_the_table_holds_only_the_hash_of_the_session_id(console):
    raw = session_id(console.sign_in())
    keys = [item.pk for item in ConsoleItem.scan()]
    assert f"session#{sessions.hash_id(raw)}" in keys
    assert not [key for key in keys if raw in key]


def test_a_session_ends_after_8_idle_hours_and_activity_extends_it(console):
    idle = session_id(console.sign_in())
    active = session_id(console.sign_in())
    now = utcnow()
    assert sessions.current(active, now + timedelta(hours=7)) is not None  # activity at 7 h
    assert sessions.current(idle, now + timedelta(hours=8, minutes=1)) is None
    assert sessions.current(active, now + timedelta(hours=8, minutes=1)) is not None


def test_a_session_ends_after_12_hours_however_active(console):
    raw = session_id(console.sign_in())
    now = utcnow()
    for hours in range(1, 12):
        assert sessions.current(raw, now + timedelta(hours=hours)) is not None
    assert sessions.current(raw, now + timedelta(hours=12, minutes=1)) is None


def test_console_pages_carry_the_security_headers(console):
    page = console.get("/console", console.sign_in())
    headers = page.headers
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in headers["Cache-Control"]
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_cookie_is_secure_everywhere_but_on_the_local_address(monkeypatch):
    assert not web.secure_cookies()
    assert "Secure" not in web.cookie("relais_session", "x", max_age=10)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://relais-ase.fr")
    assert web.session_cookie_name() == "__Host-relais_session"
    flags = web.cookie(web.session_cookie_name(), "x", max_age=10)
    assert flags.endswith("; Secure") and "HttpOnly" in flags and "SameSite=Lax" in flags


@pytest.mark.parametrize("mangle", [lambda r: r[:-2], lambda r: r[::-1], lambda r: "A" * len(r)])
def test_a_tampered_youth_reference_is_a_404(aws, mangle):
    ref = refs.youth_ref("59", "D59-1")
    assert refs.youth_id("59", ref) == "D59-1"
    with pytest.raises(NotFoundError):
        refs.youth_id("59", mangle(ref))

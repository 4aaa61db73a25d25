"""`make run`'s demo goes through the same code paths as operators and departments."""

from __future__ import annotations

import io
from datetime import timedelta

from chalicelib import jobs
from chalicelib.local import demo_setup, outbox, run
from chalicelib.store.base import utcnow
from chalicelib.store.models import Referral


def test_the_demo_loads_two_departments_and_its_jobs_send_referrals_with_links(aws):
    # Given the demo directory and rosters (Nord and La Réunion)
    keys = demo_setup.load()
    assert set(keys) == {"operator", "59", "974"}
    # When the day's jobs run
    summary = jobs.run_all(utcnow())
    # Then referrals went out to both departments' partners, with links to click
    assert {r.department for r in Referral.scan()} == {"59", "974"}
    messages = outbox.fetch()
    assert any(m["ack_url"] for m in messages)
    shown = io.StringIO()
    demo_setup.explain(aws.url, keys, summary, out=shown)
    text = shown.getvalue()
    assert "/_relais/outbox.html" in text and keys["59"] in text and "lien :" in text
    assert "orientation(s) créée(s)" in text and "youths_read" not in text  # in French
    # And a turn of make run's loop drives the same entry points (event pump, jobs) without error
    import app as entry_points

    assert run.tick(entry_points, utcnow(), utcnow().date()) == utcnow().date()
    # and a new day's turn runs the daily jobs (scan, follow-ups, alert digest) without error
    yesterday = utcnow().date() - timedelta(days=1)
    assert run.tick(entry_points, utcnow(), yesterday) == utcnow().date()

"""The thin path, end to end over the embedded endpoint: directory → roster → scan → email → ack."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.store.models import Referral
from tests.support import integration as s


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


@pytest.fixture
def loaded(client, today):
    operator = s.operator_key()
    s.load_directory(client, operator)
    key = s.department_key("59")
    rows = [
        s.youth("DUE10", s.birth_for(today, years=17, days=10)),  # 17 in 10 days: due (30-day lead)
        s.youth("LATER", s.birth_for(today, years=17, days=60)),  # 17 in 60 days: not yet
        s.youth("CATCH", s.birth_for(today, years=17, days=-180)),  # 17.5: catch-up at once
        s.youth("YOUNG", s.birth_for(today, years=15, days=-10)),  # under 16: not stored
        s.youth("ADULT", s.birth_for(today, years=19, days=-3), commune="59512"),  # 19: at once
    ]
    answer = client.http.put("/departments/59/roster", body=s.roster_csv(rows), headers=s.auth(key))
    assert answer.status_code == 200, answer.json_body
    return {"key": key, "operator": operator, "report": answer.json_body}


def test_the_roster_report_counts_created_and_too_young_rows(loaded):
    report = loaded["report"]
    assert report["rows"] == 5
    assert report["created"] == 4
    assert report["skipped_too_young"] == 1
    assert report["applied"] is True
    assert report["rejected"] == []


def test_jobs_send_one_email_per_due_youth_to_the_competent_mission_locale(loaded, today):
    # When the daily jobs run for today
    jobs.run_all(clock.clock_from(today, None))
    # Then exactly the three due youths were referred, each once, to their mission locale
    messages = [m for m in s.sent() if m["channel"] == "email"]
    recipients = sorted(m["to"] for m in messages)
    assert recipients == [
        "accueil@ml-lille.example.fr",
        "accueil@ml-lille.example.fr",
        "contact@ml-roubaix.example.fr",
    ]
    assert all(m["ack_url"] and m["html"] and m["text"] for m in messages)
    assert all("Nomtest" not in m["subject"] for m in messages)


def test_the_link_shows_a_page_that_changes_nothing_and_the_answer_is_recorded(
    client, loaded, today
):
    jobs.run_all(clock.clock_from(today, None))
    link = s.sent()[0]["ack_url"]
    path = urlsplit(link).path
    # When the partner (or a mail scanner) opens the link
    page = client.http.get(path)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    statuses = {r.status for r in Referral.scan()}
    assert statuses == {"sent"}
    # And the partner accepts
    answer = client.http.post(
        path,
        body=f"reponse=accepte&date_rdv={s.RDV}&commentaire=RDV+pris".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    acknowledged = [r for r in Referral.scan() if r.status == "acknowledged"]
    assert len(acknowledged) == 1
    assert [h["status"] for h in acknowledged[0].history] == ["pending", "sent", "acknowledged"]


def test_running_the_jobs_again_the_same_day_and_the_next_sends_nothing_more(loaded, today):
    jobs.run_all(clock.clock_from(today, None))
    first = len(s.sent())
    jobs.run_all(clock.clock_from(today, None))
    jobs.run_all(clock.clock_from(today + timedelta(days=1), None))
    assert len(s.sent()) == first == 3

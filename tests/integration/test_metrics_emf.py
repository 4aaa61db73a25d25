"""What operators see (SPEC §9): EMF metric blobs and Powertools JSON logs on stdout.

A realistic day over the embedded endpoint — a partial roster with a rejected row, a youth who
leaves, the daily jobs (referrals, a commune without mission locale, a youth at risk), a partner
who answers, a bounce — then every line printed is read back as CloudWatch would read it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from urllib.parse import urlsplit

import pytest
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib import jobs
from chalicelib.delivery import events
from chalicelib.domain import clock, ids
from chalicelib.observability import BY_DEPARTMENT, METRICS, NAMESPACE
from chalicelib.store.models import Message, Referral
from tests.fixtures.privacy import leaks
from tests.support import integration as s

UNCOVERED_COMMUNE = "59183"  # Dunkerque: no mission locale in the test directory


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


@pytest.fixture
def rows(today):
    return {
        "due": s.youth("DUE10", s.birth_for(today, years=17, days=10)),
        "risk": s.youth("RISK", s.birth_for(today, years=18, days=60), besoin_logement="oui"),
        "nopartner": s.youth(
            "NOPART", s.birth_for(today, years=17, days=10), commune=UNCOVERED_COMMUNE
        ),
        "leaver": s.youth("LEAVER", s.birth_for(today, years=17, days=90)),
        "bad": s.youth("BAD", "31/02/2008"),
    }


@pytest.fixture
def day(client, capsys, rows, today):
    """Run the day; return everything printed on stdout during it, line by line."""
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    capsys.readouterr()
    for sent_rows in (list(rows.values()), [rows["due"], rows["risk"], rows["nopartner"]]):
        answer = client.http.put(
            "/departments/59/roster?mode=partial", body=s.roster_csv(sent_rows), headers=s.auth(key)
        )
        assert answer.status_code == 200, answer.json_body
    jobs.run_all(clock.clock_from(today, None))
    link = next(m["ack_url"] for m in s.sent() if m["to"] == "accueil@ml-lille.example.fr")
    answer = client.http.post(
        urlsplit(link).path,
        body=f"reponse=accepte&date_rdv={s.RDV}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200
    housing = next(r for r in Referral.scan() if r.kind == "habitat_jeunes")
    sent = Message.get(ids.message_id(housing.referral_id, "initial"))
    bounce = {
        "eventType": "Bounce",
        "bounce": {"bounceType": "Transient"},
        "mail": {"messageId": sent.provider_id, "tags": {"relais_message": [sent.message_id]}},
    }
    assert events.handle(json.dumps(bounce)) == "retry"
    return capsys.readouterr().out.splitlines()


def emf_blobs(lines: list[str]) -> list[dict]:
    return [blob for blob in map(json.loads, lines) if "_aws" in blob]


def values(blobs: list[dict]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = defaultdict(list)
    for blob in blobs:
        for directive in blob["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                found[metric["Name"]].append(blob[metric["Name"]])
    return found


def test_every_line_printed_during_the_day_is_json(day):
    assert day
    for line in day:
        assert isinstance(json.loads(line), dict), line


def test_each_blob_is_national_with_the_department_as_a_property_and_a_series_if_rare(day):
    # national series, plus a Department series only for the rare metrics to act on (cost:
    # docs/COSTS.md); the department of every blob stays readable in the logs
    blobs = emf_blobs(day)
    assert blobs
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        (metric,) = directive["Metrics"]
        name = metric["Name"]
        assert directive["Namespace"] == NAMESPACE == "RelaisASE"
        assert name in METRICS
        assert MetricUnit(metric["Unit"]) == METRICS[name]
        national = ["Channel"] if name == "MessagesSent" else []
        expected = [national, ["Department"]] if name in BY_DEPARTMENT else [national]
        assert directive["Dimensions"] == expected, name
        assert blob["Department"] == "59"
        # nothing else rides along: no property a personal value could hide in
        assert set(blob) - {"Channel"} == {"_aws", name, "Department"}, name


def test_messages_sent_carry_their_channel(day):
    sends = [b for b in emf_blobs(day) if "MessagesSent" in b]
    assert len(sends) >= 4  # three referrals and the no-partner alert, at least
    assert {b["Channel"] for b in sends} == {"email"}


def test_the_day_is_counted_metric_by_metric(day):
    counted = values(emf_blobs(day))
    assert counted["RosterRowsReceived"] == [5.0, 3.0]  # both uploads, every row
    assert counted["RosterRowsRejected"] == [1.0]  # the 31 February, first upload only
    assert counted["YouthsExited"] == [1.0]  # absent from the second file
    assert sum(counted["ReferralsCreated"]) == 3.0  # two mission locale, one habitat jeunes
    assert counted["NoPartnerFound"] == [1.0]  # the uncovered commune
    assert counted["PathwayRisks"] == [1.0]  # housing to deal with, 2 months from 18
    assert counted["AcksReceived"] == [1.0]
    (delay,) = counted["AckDelayHours"]
    assert isinstance(delay, float)
    assert counted["Bounces"] == [1.0]
    assert set(counted) <= set(METRICS)


def test_log_lines_are_powertools_json_without_personal_data(day, rows):
    logs = [record for record in map(json.loads, day) if "_aws" not in record]
    assert logs
    for record in logs:
        assert {"level", "message", "timestamp", "service"} <= set(record)
        assert record["service"] == "relais-ase"
    printed = "\n".join(day)
    assert leaks(printed) == []
    for row in rows.values():
        for column in ("nom", "prenom", "referent_email"):
            assert row[column] not in printed
        if isinstance(row["date_naissance"], date):
            assert row["date_naissance"].isoformat() not in printed
            assert row["date_naissance"].strftime("%d/%m/%Y") not in printed

"""Issue 8, end to end over the embedded endpoint: the weekly pathway risk digest (SPEC §5.1, §9).

Roster → jobs (scan, dispatch, follow-ups, digest, dispatch) → the outbox. Youths are placed
relative to the real local date, as the roster upload ages them with it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.clock import add_months, parse_iso, utcnow
from chalicelib.reporting.indicators import YouthFacts, department_report
from chalicelib.store.models import Department, Message, Youth
from tests.fixtures.privacy import leaks
from tests.support import integration as s

PARTS = ("ressources", "logement", "emploi", "sante", "droits", "accompagnement")
COLUMNS = [*s.ROSTER_COLUMNS, "referent_nom", *(f"parcours_{p}" for p in PARTS)]
REFERENT_1, REFERENT_2, REFERENT_3 = (
    "referent.un@cd59.example.fr",
    "referent.deux@cd59.example.fr",
    "referent.trois@cd59.example.fr",
)
CONTACT = "ase@cd59.example.fr"
DIGEST_SUBJECT = "parcours à sécuriser avant la majorité"


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


def at_majority_in(today: date, days: int, id_externe: str, referent: str, **cells: str) -> dict:
    birth = s.birth_for(today, years=18, days=days)
    return s.youth(id_externe, birth, referent_email=referent, **cells)


def roster(today: date, *, rb1_emploi: str = "à traiter", without: tuple[str, ...] = ()) -> list:
    rows = [
        at_majority_in(
            today,
            60,
            "RA1",
            REFERENT_1,
            referent_nom="Paul Martin",
            parcours_sante="À traiter",
            parcours_logement="a traiter",
            parcours_emploi="Sécurisé",
        ),
        at_majority_in(today, 120, "RA2", REFERENT_1, parcours_ressources="A TRAITER"),
        at_majority_in(
            today, 30, "RB1", REFERENT_2, parcours_emploi=rb1_emploi, parcours_droits="en cours"
        ),
        # followed, not at risk: every part known and moving
        at_majority_in(
            today, 90, "RC1", REFERENT_2, **{f"parcours_{p}": "en cours" for p in PARTS}
        ),
        # a part to handle, but majority more than 6 months away, or already past
        at_majority_in(today, 300, "RD1", REFERENT_3, parcours_sante="à traiter"),
        at_majority_in(today, -30, "RE1", REFERENT_3, parcours_sante="à traiter"),
        # housing needed, but the parcours_logement column is there and empty: unknown, no risk
        at_majority_in(today, 45, "RF1", REFERENT_3, besoin_logement="oui"),
    ]
    return [row for row in rows if row["id_externe"] not in without]


def upload(client, key: str, rows: list[dict]) -> dict:
    answer = client.http.put(
        "/departments/59/roster", body=s.roster_csv(rows, COLUMNS), headers=s.auth(key)
    )
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


@pytest.fixture
def department(client, today) -> dict:
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    return {"key": key, "report": upload(client, key, roster(today))}


def digests() -> dict[str, list[dict]]:
    """Recipient → the digests they received, oldest first."""
    received: dict[str, list[dict]] = {}
    for message in s.sent():
        if message["channel"] == "email" and DIGEST_SUBJECT in (message["subject"] or ""):
            received.setdefault(message["to"], []).append(message)
    return received


def listed(message: dict) -> list[str]:
    """The file numbers a digest lists, in its order."""
    return [
        line.split()[3] for line in message["text"].splitlines() if line.startswith("- Dossier :")
    ]


def paris(day: date) -> datetime:
    return clock.clock_from(day, None)


def test_each_referent_gets_their_youths_once_a_week_and_the_department_everyone(department, today):
    # When the jobs run twice today, and once more on the last day of this ISO week
    jobs.run_all(paris(today))
    jobs.run_all(paris(today))
    sunday = today + timedelta(days=6 - today.weekday())
    jobs.run_all(paris(sunday))
    # Then each recipient got exactly one digest, listing their youths nearest majority first
    received = digests()
    assert {to: len(messages) for to, messages in received.items()} == {
        REFERENT_1: 1,
        REFERENT_2: 1,
        CONTACT: 1,
    }
    assert listed(received[REFERENT_1][0]) == ["RA1", "RA2"]
    assert listed(received[REFERENT_2][0]) == ["RB1"]
    assert listed(received[CONTACT][0]) == ["RB1", "RA1", "RA2"]
    # And a line says the first name, the initial, the majority date and the parts in French
    ra1 = next(line for line in received[REFERENT_1][0]["text"].splitlines() if "RA1" in line)
    majority = today + timedelta(days=60)
    assert ra1 == (
        f"- Dossier : RA1 – Jeune : Prenomrab N. – Majorité : {majority:%d/%m/%Y} – "
        "À traiter : Logement et Santé"
    )
    assert "Bonjour Paul Martin," in received[REFERENT_1][0]["text"]
    # And no last name anywhere, no name nor file number in any subject, no answer link
    for message in (m for messages in received.values() for m in messages):
        assert "Nomtest" not in message["text"] + message["html"]
        assert "Prenom" not in message["subject"] and "RA1" not in message["subject"]
        assert message["ack_url"] is None


def test_next_week_the_digest_goes_again_to_whoever_still_has_a_part_to_handle(department, today):
    jobs.run_all(paris(today))
    jobs.run_all(paris(today + timedelta(days=7)))
    received = digests()
    assert {to: len(messages) for to, messages in received.items()} == {
        REFERENT_1: 2,
        REFERENT_2: 2,
        CONTACT: 2,
    }
    assert listed(received[CONTACT][1]) == ["RB1", "RA1", "RA2"]


def test_a_part_that_moves_on_leaves_the_digest_and_stays_in_the_youths_history(
    client, department, today
):
    jobs.run_all(paris(today))
    # Given the department reports RB1's employment part under way, and RA2 has left care
    before = utcnow().replace(microsecond=0)
    upload(client, department["key"], roster(today, rb1_emploi="En cours", without=("RA2",)))
    after = utcnow()
    # Then the change is in RB1's history, with its date
    changes = [h for h in Youth.get("59", "RB1").history if h.get("event") == "pathway"]
    assert [(c["part"], c["from"], c["to"]) for c in changes[-1:]] == [
        ("emploi", "a_traiter", "en_cours")
    ]
    assert before <= parse_iso(changes[-1]["at"]) <= after
    # When next week's digest runs
    jobs.run_all(paris(today + timedelta(days=7)))
    # Then RB1's referent gets nothing more, and the department's list has only RA1
    received = digests()
    assert len(received[REFERENT_2]) == 1
    assert [listed(m) for m in received[CONTACT]] == [["RB1", "RA1", "RA2"], ["RA1"]]
    assert [listed(m) for m in received[REFERENT_1]] == [["RA1", "RA2"], ["RA1"]]


def test_nothing_is_sent_when_nobody_is_at_risk(client, today):
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    upload(client, key, roster(today, rb1_emploi="sécurisé", without=("RA1", "RA2")))
    summary = jobs.run_all(paris(today))
    assert summary["digest"]["at_risk"] == 0 and "digests_queued" not in summary["digest"]
    assert digests() == {}
    assert len(s.sent()) > 0  # the referrals themselves did go out


def test_exactly_six_months_before_majority_is_not_yet_at_risk_and_one_day_less_is(client, today):
    # Given a digest day D (the first of next month) and two youths: majority exactly 6 months
    # after D, and one day earlier
    day = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    six_months = add_months(day, 6)
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    rows = [
        at_majority_in(
            today, (six_months - today).days, "EXACT", REFERENT_1, parcours_sante="à traiter"
        ),
        at_majority_in(
            today, (six_months - today).days - 1, "ONELESS", REFERENT_1, parcours_sante="à traiter"
        ),
    ]
    upload(client, key, rows)
    # When only the digest runs on D, then dispatch
    summary = jobs.weekly_digest(paris(day))
    jobs.dispatch_messages(paris(day))
    # Then only the youth one day short of 6 months was read and listed
    assert summary == {"youths_read": 1, "at_risk": 1, "digests_queued": 2}
    assert {to: [listed(m) for m in ms] for to, ms in digests().items()} == {
        REFERENT_1: [["ONELESS"]],
        CONTACT: [["ONELESS"]],
    }


def test_the_report_counts_of_pathway_risks_match_the_roster_and_the_digest(department, today):
    summary = jobs.run_all(paris(today))
    # The report's indicators, over the department's youths as stored
    facts = [
        YouthFacts(
            id_externe=y.id_externe,
            majority_date=date.fromisoformat(y.majority_date),
            status=y.status,
            besoin_logement=bool(y.record.as_dict().get("besoin_logement")),
            parcours=dict(y.record.as_dict().get("parcours") or {}),
        )
        for y in Youth.query("59")
    ]
    report = department_report(facts, [], today=today)
    assert report["pathway_risks"] == summary["digest"]["at_risk"] == 3
    assert report["pathway_risks_by_part"] == {
        "ressources": 1,
        "logement": 1,
        "emploi": 1,
        "sante": 1,
        "droits": 0,
        "accompagnement": 0,
    }
    cohort = report["next_6_months"]["pathway"]
    assert cohort["sante"] == {"securise": 0, "en_cours": 1, "a_traiter": 1, "inconnu": 3}
    assert cohort["emploi"] == {"securise": 1, "en_cours": 1, "a_traiter": 1, "inconnu": 2}


def test_the_pathway_risks_metric_is_one_emf_blob_without_personal_data(department, today, capsys):
    capsys.readouterr()
    jobs.weekly_digest(paris(today))
    out = capsys.readouterr().out
    blobs = [json.loads(line) for line in out.splitlines() if '"PathwayRisks"' in line]
    print(json.dumps(blobs[0]))  # what CloudWatch receives, for the reader of this test
    (blob,) = blobs
    (directive,) = blob["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "RelaisASE"
    assert directive["Dimensions"] == [[]]  # national; the department is a property (Logs Insights)
    assert directive["Metrics"] == [{"Name": "PathwayRisks", "Unit": "Count"}]
    assert (blob["Department"], blob["PathwayRisks"]) == ("59", 3.0)
    assert leaks(out) == []


def test_the_digests_listing_a_youth_who_exits_expire_no_later_than_the_youth(
    client, department, today
):
    # a department keeping an exited youth 1 month, less than a digest's 35 days
    Department.get("59").update(actions=[Department.retention_months.set(1)])
    jobs.run_all(paris(today))
    queued = [m for m in Message.scan() if m.purpose == "digest"]
    assert len(queued) == 3  # two referents and the department
    upload(client, department["key"], roster(today, without=("RA1",)))
    exited = Youth.get("59", "RA1")
    assert exited.status == "exited" and exited.expires_at is not None
    expiries = {m.recipients[0]: Message.get(m.message_id).expires_at for m in queued}
    assert expiries[REFERENT_1] <= exited.expires_at  # lists RA1
    assert expiries[CONTACT] <= exited.expires_at  # lists everyone
    assert expiries[REFERENT_2] > exited.expires_at  # RB1 only: left as it was

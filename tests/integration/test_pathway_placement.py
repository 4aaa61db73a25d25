"""Issue 8, end to end: the placement structure learns which mission locale will call (SPEC §5.1).

Roster with ``lieu_accueil_*`` → jobs → the outbox; and what one send costs in DynamoDB requests.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from pynamodb.connection.base import Connection

from chalicelib import jobs
from chalicelib.domain import clock, ids
from chalicelib.pathway import placement
from chalicelib.store.models import Message, Referral
from tests.support import integration as s

COLUMNS = [*s.ROSTER_COLUMNS, "lieu_accueil_nom", "lieu_accueil_email"]
MECS = "accueil@mecs-tilleuls.example.fr"
NOTICE_SUBJECT = "Information : orientation vers"


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


@pytest.fixture
def loaded(client, today) -> None:
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    rows = [
        # nearly 18, housing needed: a mission-locale and a habitat-jeunes referral at once
        s.youth(
            "PL1",
            s.birth_for(today, years=17, days=-250),
            besoin_logement="oui",
            lieu_accueil_nom="MECS Les Tilleuls",
            lieu_accueil_email=MECS,
        ),
        # a placement structure without an address: nobody to inform
        s.youth("PL2", s.birth_for(today, years=17, days=-150), lieu_accueil_nom="Famille Test"),
    ]
    answer = client.http.put(
        "/departments/59/roster", body=s.roster_csv(rows, COLUMNS), headers=s.auth(key)
    )
    assert answer.status_code == 200, answer.json_body


def notices() -> list[dict]:
    return [m for m in s.sent() if (m["subject"] or "").startswith(NOTICE_SUBJECT)]


def test_the_placement_structure_is_informed_once_when_the_mission_locale_referral_goes_out(
    loaded, today
):
    # When the jobs run, twice
    jobs.run_all(clock.clock_from(today, None))
    jobs.run_all(clock.clock_from(today, None))
    # Then the structure got one email: which mission locale, how to reach it, no answer link
    (notice,) = notices()
    assert notice["to"] == MECS and notice["channel"] == "email"
    assert "Mission locale de Lille" in notice["subject"]
    assert "accueil@ml-lille.example.fr" in notice["text"] and "03 20 00 00 00" in notice["text"]
    assert "accueilli(e) par MECS Les Tilleuls" in notice["text"]
    assert notice["ack_url"] is None and "/ack/" not in notice["html"]
    assert "Nomtest" not in notice["text"] + notice["html"] + notice["subject"]
    # And the mission locale and the residence did get their referrals
    recipients = sorted(m["to"] for m in s.sent())
    assert recipients.count("accueil@ml-lille.example.fr") == 2  # PL1 and PL2
    assert recipients.count("accueil@fjt-tilleuls.example.fr") == 1
    # (PL1's housing need is a pathway part to handle: its referent and the department got the
    # week's digest, once)
    assert (
        recipients.count("referent.pl1@cd59.example.fr")
        == recipients.count("ase@cd59.example.fr")
        == 1
    )
    assert len(recipients) == 6


def test_the_notice_is_found_from_its_referral_by_a_derived_id(loaded, today):
    jobs.run_all(clock.clock_from(today, None))
    referrals = {(r.id_externe, r.kind): r for r in Referral.scan()}
    ml = referrals[("PL1", "mission_locale")]
    stored = Message.get(placement.message_id(ml.referral_id))
    assert stored.message_id == ids.message_id(ml.referral_id, "placement")
    assert (stored.purpose, stored.status, stored.recipients) == ("placement", "sent", [MECS])
    for other in (referrals[("PL1", "habitat_jeunes")], referrals[("PL2", "mission_locale")]):
        with pytest.raises(Message.DoesNotExist):
            Message.get(placement.message_id(other.referral_id))


def test_sending_a_referral_with_its_notice_takes_two_dynamodb_requests(loaded, today, monkeypatch):
    # Given the referrals created, and every DynamoDB request counted on its way out
    now = clock.clock_from(today, None)
    jobs.daily_scan(now)
    pending = [m for m in Message.scan() if m.status == "pending"]
    assert len(pending) == 3
    calls: Counter = Counter()
    dispatch_call = Connection.dispatch

    def counted(self, operation_name, operation_kwargs):
        calls[operation_name] += 1
        return dispatch_call(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "dispatch", counted)
    # When one dispatch run sends the three referrals (one of which brings a notice); since the
    # jobs fan out, the scan's own send item and the schedule's both run, and the second one
    # finds the notice the first queued
    summary = jobs.dispatch_messages(now)
    # Then each referral's send cost one claim, one transaction and the renewal of its structure's
    # space link (SPEC §4c: renewed by each referral email; 3 requests, §10's budget), and the
    # notice was never put on its own: it rode in the transaction of its referral; sending it
    # later cost its claim and one conditional update. The other requests are reads (the
    # departments, the schedule's probe, each work item's department and due messages).
    assert summary == {"sent": 4}
    assert calls["TransactWriteItems"] == 3
    assert calls["UpdateItem"] == 4 + 1 + 3
    assert set(calls) - {"UpdateItem", "TransactWriteItems"} <= {"Scan", "Query", "GetItem"}
    print(f"DynamoDB requests per send: {(calls['UpdateItem'] + calls['TransactWriteItems']) / 4}")
    assert Message.get(notices_id(pending)).status == "sent"


def notices_id(pending: list[Message]) -> str:
    (referral_id,) = {
        m.referral_id
        for m in pending
        if m.context.as_dict()["snapshot"]["kind"] == "mission_locale"
        and m.context.as_dict()["snapshot"]["youth"]["id_externe"] == "PL1"
    }
    return placement.message_id(referral_id)

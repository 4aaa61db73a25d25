"""DELETE /departments/{code}/youths/{id_externe} (SPEC §4, §8): after an erasure, no table holds
any of the youth's personal data, nothing more is sent about it, the audit keeps counts only."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from chalicelib import jobs
from chalicelib.domain import clock, ids
from chalicelib.referrals.invitations import calendar_uid
from chalicelib.store.models import AuditEvent, Message
from tests.support import integration as s
from tests.support import reporting_world as fw

LILLE, UDHAJ = "accueil@ml-lille.example.fr", "udhaj59@example.fr"


def target_row(world: fw.World, **changes: object) -> dict:
    """A youth with every personal cell filled, 18 in 100 days, living in a shared commune."""
    today = world.today
    row = s.youth(
        "EFF-1",
        s.birth_for(today, years=18, days=100),
        commune="59599",
        telephone="06 11 22 33 44",
        email="jeune.efface@exemple.fr",
        consentement="oui",
        besoin_logement="oui",
        referent_nom="Martine Référente",
        referent_telephone="03 20 00 00 01",
        date_entretien=(today + timedelta(days=30)).strftime("%d/%m/%Y"),
        lieu_entretien="Maison des services",
        parcours_emploi="a_traiter",
        lieu_accueil_nom="MECS Les Pins",
        lieu_accueil_email="mecs.pins@exemple.fr",
    )
    row.update(changes)
    return row


def others(world: fw.World) -> list[dict]:
    return [
        *fw.base_rows(world.today),
        s.youth("RISK2", s.birth_for(world.today, years=18, days=80), parcours_emploi="a_traiter"),
    ]


def link_to(recipient: str, prenom: str) -> str:
    return next(
        m["ack_url"] for m in s.sent() if m["to"] == recipient and prenom in (m["text"] or "")
    )


@pytest.fixture
def world(client) -> fw.World:
    """The target youth's whole life in Relais: blocked (shared commune) then routed with a
    code_ml; referred to its mission locale, a residence, an interview; answered, redirected,
    reminded and escalated; in weekly digests; finally a pending referral not yet sent."""
    world = fw.make_world(client)
    rest = others(world)
    world.upload([*rest, target_row(world)])
    world.run_jobs()  # ML and interview blocked (no_partner alerts), HJ to UDHAJ, digests
    world.upload([*rest, target_row(world, code_ml="ML59A")])
    world.run_jobs()  # ML referral, interview invitation, placement notice
    prenom = world.rows["EFF-1"]["prenom"]
    world.answer(link_to(LILLE, prenom), "reponse=accepte&commentaire=RDV+avec+la+jeune")
    world.answer(link_to(UDHAJ, prenom), "reponse=non_competent&motif=hors+secteur")
    moved = (world.today + timedelta(days=31)).strftime("%d/%m/%Y")
    world.upload([*rest, target_row(world, code_ml="ML59A", date_entretien=moved)])
    world.run_jobs(days=1)  # redirection alert, HJ excluded: no_partner; invitation updated
    world.run_jobs(days=8)  # reminder of the unanswered invitation
    world.run_jobs(days=15)  # escalation to the referent and the department
    # A move to Lille gives a residence again: a referral created, not yet sent
    world.upload(
        [*rest, target_row(world, code_ml="ML59A", date_entretien=moved, code_commune="59350")]
    )
    jobs.daily_scan(clock.clock_from(world.today + timedelta(days=16), None))
    return world


def test_no_table_holds_any_personal_value_of_an_erased_youth_and_the_audit_counts_it(world):
    values = fw.personal_values(world.rows["EFF-1"])
    assert len(values) >= 10
    # Given the youth's data spread over youths, referrals and messages
    spread = fw.tables_holding(values)
    tables = ("youths", "referrals", "messages", "alerts")
    assert {f"relais-dev-{table}" for table in tables} <= set(spread)
    assert len(list(Message.scan())) >= 10
    # When the department erases the youth
    answer = world.delete(fw.youth_path("EFF-1"))
    assert answer.status_code == 204
    assert answer.body in (b"", None)
    # Then none of its personal values remains in any table
    assert fw.tables_holding(values) == {}
    # And the mission locale, invited to the interview in 31 days, receives its CANCEL
    before = len(s.sent())
    world.run_jobs(days=16)
    invitation = ids.referral_id("59", "EFF-1", "entretien", "ML59A")
    (cancel,) = [m for m in s.sent()[before:] if m["to"] == LILLE and m["attachments"]]
    calendar = Calendar.from_ical(cancel["attachments"][0]["content"])
    (event,) = calendar.walk("VEVENT")
    assert (str(calendar["method"]), str(event["uid"])) == ("CANCEL", calendar_uid(invitation))
    assert event.decoded("dtstart").date() == world.today + timedelta(days=31)
    assert [value for value in values if value in cancel["text"] + cancel["html"]] == []
    # And once it went out, neither the youth nor its interview remains in any table
    assert fw.tables_holding([*values, invitation, "Maison des services"]) == {}
    # And the other youths were left alone: RISK2 is still in the department's digest
    assert "relais-dev-messages" in fw.tables_holding(fw.personal_values(world.rows["RISK2"]))
    # And the audit recorded the erasure with counts and no identity
    [event] = [e for e in AuditEvent.query("59") if e.action == "erasure"]
    counts = event.counts.as_dict()
    assert counts["youths"] == 1
    assert counts["referrals"] == 4  # mission locale, interview, residence (x2)
    assert counts["referrals_cancelled"] == 1
    assert counts["invitations_cancelled"] == 1
    assert counts["messages"] >= 8
    assert counts["digests"] >= 1
    assert event.actor.startswith("department:")
    assert event.subject is None
    assert "EFF-1" not in str(event.serialize())


def test_after_erasure_nothing_is_sent_and_every_view_forgets_the_youth(world):
    link = link_to(LILLE, world.rows["EFF-1"]["prenom"])
    report_before = world.get("/departments/59/report").json_body["referrals"]
    pending = world.get("/departments/59/referrals?status=pending").json_body["items"]
    assert [(r["id_externe"], r["partner"]["id"]) for r in pending] == [("EFF-1", "HJ59-LILLE")]
    before = len(s.sent())
    assert world.delete(fw.youth_path("EFF-1")).status_code == 204
    # The pending referral was cancelled and its message never goes out
    world.run_jobs(days=20)
    late = s.sent()[before:]
    assert not [m for m in late if m["to"] in ("accueil@fjt-tilleuls.example.fr",)]
    assert not [m for m in late if "EFF-1" in (m["text"] or "") + (m["subject"] or "")]
    # The partner's old link leads nowhere
    assert world.client.http.get(urlsplit(link).path).status_code == 404
    # The detail, the lists and a second erasure do not know the youth
    assert world.get(fw.youth_path("EFF-1")).status_code == 404
    again = world.delete(fw.youth_path("EFF-1"))
    assert again.status_code == 404
    assert again.json_body["error"]["code"] == "not_found"
    ids = {y["id_externe"] for y in world.get("/departments/59/youths").json_body["items"]}
    assert "EFF-1" not in ids and "RISK2" in ids
    referrals = world.get("/departments/59/referrals").json_body["items"]
    assert "EFF-1" not in {r["id_externe"] for r in referrals}
    # The report still counts the referrals, anonymously, as cancelled: the pending one, and the
    # interview invitation, whose CANCEL went out to the mission locale
    report_after = world.get("/departments/59/report").json_body["referrals"]
    assert report_after["acknowledged"] == report_before["acknowledged"]
    assert report_after["cancelled"] == report_before["cancelled"] + 2


def test_an_unknown_youth_cannot_be_erased_and_nothing_is_audited(client):
    world = fw.make_world(client)
    world.upload(fw.base_rows(world.today))
    answer = world.delete(fw.youth_path("NOBODY"))
    assert answer.status_code == 404
    assert answer.json_body["error"]["code"] == "not_found"
    assert not [e for e in AuditEvent.query("59") if e.action == "erasure"]

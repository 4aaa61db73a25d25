"""Hostile text in roster cells and partners' comments is shown as text: escaped in every email's
HTML and in the acknowledgement pages, inert in the CSV export (SPEC §7, §8)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import quote_plus, urlsplit

import pytest

from tests.support import integration as s
from tests.support import reporting_world as fw

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>", "<img src=x", "onerror=alert(1)>")
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = ("&lt;img src=x onerror=alert(1)&gt;",)
LILLE = "accueil@ml-lille.example.fr"
FOYER = "foyer@mecs.example.fr"


def assert_inert(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped in {where}"


@pytest.fixture
def world(client) -> fw.World:
    """A youth whose free-text cells are hostile, referred to its mission locale (with an
    interview invitation and the placement structure's notice) and to a residence."""
    world = fw.make_world(client)
    row = s.youth(
        "XSS1",
        s.birth_for(world.today, years=18, days=60),
        consentement="oui",
        besoin_logement="oui",
        referent_nom=SCRIPT,
        date_entretien=(world.today + timedelta(days=20)).strftime("%d/%m/%Y"),
        lieu_entretien=IMG,
        lieu_accueil_nom=SCRIPT + IMG,
        lieu_accueil_email=FOYER,
    )
    world.upload([row])
    world.run_jobs()
    return world


def emails() -> list[dict]:
    return [m for m in s.sent() if m["channel"] == "email"]


def test_roster_cells_are_escaped_in_every_email(world):
    sent = emails()
    recipients = {m["to"] for m in sent}
    assert {LILLE, FOYER, "accueil@fjt-tilleuls.example.fr"} <= recipients
    for message in sent:
        assert message["html"], message["subject"]
        assert_inert(message["html"], f"email to a partner ({message['subject']})")
    html = "\n".join(m["html"] for m in sent)
    assert SCRIPT_ESCAPED in html  # the referent's name and the placement structure, as text
    assert any(escaped in html for escaped in IMG_ESCAPED)  # the interview place, as text
    placement = [m for m in sent if m["to"] == FOYER]
    assert placement and SCRIPT_ESCAPED in placement[0]["html"]


def test_roster_cells_and_the_comment_are_escaped_in_the_acknowledgement_pages(world):
    link = next(m["ack_url"] for m in emails() if m["to"] == LILLE and m["ack_url"])
    path = urlsplit(link).path
    page = world.client.http.get(path).body.decode("utf-8")
    assert_inert(page, "the acknowledgement page")
    assert SCRIPT_ESCAPED in page
    # When the partner answers with a hostile comment
    comment = SCRIPT + IMG
    done = world.answer(link, f"reponse=accepte&commentaire={quote_plus(comment)}")
    assert done.status_code == 200
    done_html = done.body.decode("utf-8")
    assert_inert(done_html, "the confirmation page")
    assert SCRIPT_ESCAPED in done_html
    # Then the page shown again (the current answer) escapes it too
    again = world.client.http.get(path).body.decode("utf-8")
    assert_inert(again, "the page with the current answer")
    assert SCRIPT_ESCAPED in again


def test_a_redirection_comment_is_escaped_in_the_departments_alert(world):
    link = next(m["ack_url"] for m in emails() if m["to"] == LILLE and m["ack_url"])
    comment = "Pas chez nous " + SCRIPT + IMG
    world.answer(link, f"reponse=non_competent&commentaire={quote_plus(comment)}")
    world.run_jobs(days=1)  # the follow-up job handles the answer after it was given
    alerts = [
        m for m in emails() if m["to"] == "ase@cd59.example.fr" and "Pas chez nous" in m["text"]
    ]
    assert alerts, "the department is told of the redirection with the partner's comment"
    assert_inert(alerts[0]["html"], "the redirection alert")
    assert SCRIPT_ESCAPED in alerts[0]["html"]


def test_hostile_and_formula_comments_are_inert_in_the_csv_export(world):
    lille = next(m["ack_url"] for m in emails() if m["to"] == LILLE and m["ack_url"])
    residence = next(m["ack_url"] for m in emails() if m["to"] == "accueil@fjt-tilleuls.example.fr")
    formula = '=HYPERLINK("http://evil.example","clic")'
    world.answer(lille, f"reponse=accepte&commentaire={quote_plus(SCRIPT + IMG)}")
    world.answer(residence, f"reponse=refuse&motif={quote_plus('@SUM(A1)')}&commentaire=-2%2B3")
    text = world.csv().body.decode("utf-8")
    rows = {row["kind"]: row for row in csv.DictReader(io.StringIO(text[1:]), delimiter=";")}
    # The markup is plain text in a quoted cell, read back exactly
    assert rows["mission_locale"]["commentaire"] == SCRIPT + IMG
    # Cells a spreadsheet would run as formulas start with a quote
    assert rows["habitat_jeunes"]["motif"] == "'@SUM(A1)"
    assert rows["habitat_jeunes"]["commentaire"] == "'-2+3"
    world.answer(lille, f"reponse=accepte&commentaire={quote_plus(formula)}")
    text = world.csv("&kind=mission_locale").body.decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert row["commentaire"] == "'" + formula

"""The partner's answer (SPEC §4 POST /ack, §6 "answer history"): kept whole with the advisor who
will meet the youth, validated (appointment date from 60 days ago to 2 years ahead, comment of
at most 500 characters), at most 20 changes, the same answer posted twice at once confirmed to
both, and every malformed form answered with a 4xx page, never a 5xx."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from openpyxl import load_workbook

from chalicelib import jobs, tokens
from chalicelib.console import exports
from chalicelib.domain import clock
from chalicelib.store.models import Referral
from tests.support import integration as s

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def link(client) -> tuple[str, str]:
    """A sent mission-locale referral: its ack path and its id."""
    today = clock.local_today("59", clock.clock_from(None, None))
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    rows = [s.youth("ANSW", s.birth_for(today, years=17, days=3))]
    client.http.put("/departments/59/roster", body=s.roster_csv(rows), headers=s.auth(key))
    jobs.run_all(clock.clock_from(today, None))
    (referral,) = list(Referral.scan())
    return urlsplit(tokens.ack_url(referral.referral_id)).path, referral.referral_id


def post(client, path: str, fields: dict[str, str]) -> object:
    return client.http.post(path, body=urlencode(fields).encode(), headers=FORM)


def test_each_answer_is_kept_whole_with_the_advisor_who_will_meet_the_youth(client, link):
    path, referral_id = link
    first = {
        "reponse": "accepte",
        "date_rdv": s.RDV.isoformat(),
        "commentaire": "Premier rendez-vous fixé",
        "conseiller_nom": "Camille Martin",
        "conseiller_telephone": "06 11 22 33 44",
    }
    assert post(client, path, first).status_code == 200
    # When the partner changes its answer without a date
    assert post(client, path, {"reponse": "refuse", "motif": "Plus de place"}).status_code == 200
    # Then both answers are kept whole, the first with its date and advisor
    answers = Referral.get(referral_id).answers
    assert [a["reponse"] for a in answers] == ["accepte", "refuse"]
    assert answers[0]["date_rdv"] == s.RDV.isoformat()
    assert answers[0]["conseiller_nom"] == "Camille Martin"
    assert answers[0]["conseiller_telephone"] == "+33611223344"
    assert answers[1]["motif"] == "Plus de place" and not answers[1].get("date_rdv")
    assert Referral.get(referral_id).answer["reponse"] == "refuse"


@pytest.mark.parametrize(
    "date_rdv",
    [
        (date.today() - timedelta(days=61)).isoformat(),
        (date.today() + timedelta(days=2 * 366 + 1)).isoformat(),
        "31/02/2027",
    ],
)
def test_an_appointment_date_out_of_range_is_refused_with_the_form_again(client, link, date_rdv):
    path, referral_id = link
    answer = post(client, path, {"reponse": "accepte", "date_rdv": date_rdv})
    assert answer.status_code == 400
    assert "Date de rendez-vous" in answer.body.decode()
    assert Referral.get(referral_id).answer is None


def test_a_comment_longer_than_500_characters_is_refused(client, link):
    path, referral_id = link
    answer = post(client, path, {"reponse": "accepte", "commentaire": "x" * 501})
    assert answer.status_code == 400
    assert Referral.get(referral_id).answer is None


def test_after_20_changes_the_link_says_clearly_it_cannot_change_the_answer_again(client, link):
    path, referral_id = link
    for n in range(20):
        reponse = "accepte" if n % 2 == 0 else "refuse"
        assert post(client, path, {"reponse": reponse, "motif": f"essai {n}"}).status_code == 200
    # When the partner tries a 21st change
    answer = post(client, path, {"reponse": "accepte", "motif": "encore"})
    # Then a clear page (not a failure) says to contact the department, and nothing is written
    assert answer.status_code == 409
    assert "contactez le département" in answer.body.decode()
    assert len(Referral.get(referral_id).answers) == 20


def test_the_same_answer_posted_again_shows_the_confirmation_and_writes_nothing(client, link):
    path, referral_id = link
    fields = {"reponse": "accepte", "commentaire": "RDV pris"}
    assert post(client, path, fields).status_code == 200
    # When the partner clicks again (the browser resends the form)
    again = post(client, path, fields)
    # Then the confirmation shows again, and the history has one answer
    assert again.status_code == 200
    assert len(Referral.get(referral_id).answers) == 1


def test_a_double_click_shows_the_confirmation_to_both_posts(client, link):
    path, referral_id = link
    assert client.http.get(path).status_code == 200  # the partner opened the page first
    fields = {"reponse": "accepte", "commentaire": "Double clic"}
    statuses: list[int] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        statuses.append(post(client, path, fields).status_code)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert statuses == [200, 200]
    assert [a["commentaire"] for a in Referral.get(referral_id).answers] == ["Double clic"]


@pytest.mark.parametrize(
    "body",
    [
        "&".join(f"champ{n}=x" for n in range(21)).encode(),  # more fields than the form has
        b"reponse=accepte&reponse=refuse",  # a field given twice
        b"reponse=accepte&commentaire=%FF%FE",  # not UTF-8
        b"\xff\xfe\x00reponse",  # not even a form
        b'{"reponse": "accepte"}',  # JSON sent as a form
    ],
)
def test_a_malformed_form_gets_a_4xx_page_never_a_failure(client, link, body):
    path, referral_id = link
    answer = client.http.post(path, body=body, headers=FORM)
    assert 400 <= answer.status_code < 500
    assert "text/html" in answer.headers["Content-Type"]
    assert Referral.get(referral_id).answer is None


def test_control_characters_of_an_answer_are_dropped_and_the_referrals_export_works(client, link):
    path, referral_id = link
    fields = {
        "reponse": "refuse",
        "motif": "Plus\x00 de\x0b place",
        "commentaire": "Rappeler\x0c lundi\r\nAprès\x85 10 h\x7f",
        "conseiller_nom": "Camille\x1b Martin",
    }
    assert post(client, path, fields).status_code == 200
    answer = Referral.get(referral_id).answer
    assert answer["motif"] == "Plus de place"
    assert answer["commentaire"] == "Rappeler lundi\nAprès 10 h"
    assert answer["conseiller_nom"] == "Camille Martin"
    # the department's referrals export (XLSX) reads it back
    body, _ = exports.build("59", "orientations.xlsx", clock.utcnow())
    sheet = load_workbook(io.BytesIO(body)).active
    assert "Plus de place" in [cell.value for row in sheet.iter_rows() for cell in row]

"""Acknowledgement links: only the exact, live token of a sent referral opens its page."""

from __future__ import annotations

import string
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import jobs, tokens
from chalicelib.domain import clock
from chalicelib.domain.clock import iso, utcnow
from chalicelib.store.models import Referral
from tests.support import integration as s

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"


@pytest.fixture
def links(client) -> dict[str, str]:
    """Two sent referrals: their ack paths by file number."""
    today = clock.local_today("59", clock.clock_from(None, None))
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    rows = [
        s.youth("TOKA", s.birth_for(today, years=17, days=3)),
        s.youth("TOKB", s.birth_for(today, years=17, days=4), commune="59512"),
    ]
    client.http.put("/departments/59/roster", body=s.roster_csv(rows), headers=s.auth(key))
    jobs.run_all(clock.clock_from(today, None))
    paths = {}
    for message in s.sent():
        referral = next(
            r for r in Referral.scan() if tokens.ack_url(r.referral_id) == message["ack_url"]
        )
        paths[referral.id_externe] = urlsplit(message["ack_url"]).path
    return paths


def not_found_page(client) -> bytes:
    return client.http.get("/ack/" + "A" * 43).body


def test_tokens_carry_at_least_128_random_bits_and_are_stored_only_hashed(links):
    token = links["TOKA"].rsplit("/", 1)[1]
    assert len(token) * 6 >= 128
    stored = [r.serialize() for r in Referral.scan()]
    assert token not in str(stored)
    assert any(tokens.hash_token(token) in str(item) for item in stored)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(alphabet=TOKEN_ALPHABET, min_size=1, max_size=60))
def test_a_random_token_gets_the_same_404_page(client, links, token):
    answer = client.http.get(f"/ack/{token}")
    assert answer.status_code == 404
    assert answer.body == not_found_page(client)


@pytest.mark.parametrize("mangle", ["truncate", "extend", "alter_first", "alter_last", "case"])
def test_a_truncated_or_altered_token_is_refused_like_an_unknown_one(client, links, mangle):
    token = links["TOKA"].rsplit("/", 1)[1]
    changed = {
        "truncate": token[:-1],
        "extend": token + "A",
        "alter_first": ("B" if token[0] != "B" else "C") + token[1:],
        "alter_last": token[:-1] + ("B" if token[-1] != "B" else "C"),
        "case": token.swapcase(),
    }[mangle]
    for method in ("get", "post"):
        call = getattr(client.http, method)
        kwargs = {"body": b"reponse=accepte", "headers": FORM} if method == "post" else {}
        answer = call(f"/ack/{changed}", **kwargs)
        assert answer.status_code == 404
        assert answer.body == not_found_page(client)
    assert {r.status for r in Referral.scan()} == {"sent"}


def test_each_token_opens_only_its_own_referral(client, links):
    page_a = client.http.get(links["TOKA"]).body.decode()
    page_b = client.http.get(links["TOKB"]).body.decode()
    assert "Prenomtoka" in page_a and "Prenomtokb" not in page_a
    assert "Prenomtokb" in page_b and "Prenomtoka" not in page_b
    client.http.post(links["TOKB"], body=b"reponse=refuse&motif=complet", headers=FORM)
    statuses = {r.id_externe: r.status for r in Referral.scan()}
    assert statuses == {"TOKA": "sent", "TOKB": "declined"}


def test_an_expired_token_shows_a_410_page_with_the_department_contact(client, links):
    for referral in Referral.scan():
        referral.update(actions=[Referral.token_expires_at.set(iso(utcnow() - timedelta(hours=1)))])
    page = client.http.get(links["TOKA"])
    assert page.status_code == 410
    assert "ase@cd59.example.fr" in page.body.decode()
    answer = client.http.post(links["TOKA"], body=b"reponse=accepte", headers=FORM)
    assert answer.status_code == 410
    assert {r.status for r in Referral.scan()} == {"sent"}


def test_opening_the_link_changes_nothing(client, links):
    before = sorted(str(r.serialize()) for r in Referral.scan())
    for _ in range(3):
        assert client.http.get(links["TOKA"]).status_code == 200
    assert sorted(str(r.serialize()) for r in Referral.scan()) == before


def test_a_partner_may_change_its_answer_and_the_history_keeps_both(client, links):
    client.http.post(links["TOKA"], body=b"reponse=refuse&motif=complet", headers=FORM)
    again = client.http.post(
        links["TOKA"],
        body=f"reponse=accepte&date_rdv={s.RDV:%d%%2F%m%%2F%Y}".encode(),
        headers=FORM,
    )
    assert again.status_code == 200
    referral = next(r for r in Referral.scan() if r.id_externe == "TOKA")
    assert referral.status == "acknowledged"
    assert referral.answer["date_rdv"] == s.RDV.isoformat()
    assert [h["status"] for h in referral.history][-2:] == ["declined", "acknowledged"]


def test_a_cross_site_post_is_refused_and_changes_nothing(client, links):
    answer = client.http.post(
        links["TOKA"],
        body=b"reponse=accepte",
        headers={**FORM, "Origin": "https://attacker.example", "Host": "127.0.0.1:8000"},
    )
    assert answer.status_code == 403
    assert {r.status for r in Referral.scan()} == {"sent"}


def test_pages_forbid_caching_referrers_and_foreign_scripts(client, links):
    headers = client.http.get(links["TOKA"]).headers
    assert "no-store" in headers["Cache-Control"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

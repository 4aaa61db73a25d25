"""Emails and SMS rendered from the templates: every template, full and minimal data, escaping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chalicelib.messages import (
    RenderedEmail,
    render_email,
)
from chalicelib.messages.environment import environment
from tests.support.messages import assert_proof_read as proof_read
from tests.support.render_contexts import (
    ACK_URL,
    EMAILS,
    EMAILS_TO_PARTNERS,
    EMAILS_WITH_LINK,
    EMAILS_WITHOUT_LINK,
    XSS,
    email_context,
    poison,
)


def test_every_email_has_a_subject_and_one_body_for_both_parts() -> None:
    folder = Path(environment().loader.searchpath[0]) / "email"  # type: ignore[union-attr]
    assert folder == Path(__file__).resolve().parents[2] / "templates" / "email"
    for name in EMAILS:
        for suffix in ("subject.j2", "body.j2"):
            assert (folder / f"{name}.{suffix}").is_file()
        assert not list(folder.glob(f"{name}.*html*")) and not list(folder.glob(f"{name}.txt*"))
    listed = {path.name.split(".")[0] for path in folder.glob("*.j2")}
    assert {name for name in listed if not name.startswith("_")} == set(EMAILS)


@pytest.mark.parametrize("variant", ["full", "minimal", "absent"])
@pytest.mark.parametrize("name", EMAILS)
def test_every_email_renders_a_one_line_subject_a_text_part_and_an_html_part(
    name: str, variant: str
) -> None:
    email = render_email(name, email_context(name, variant))

    assert isinstance(email, RenderedEmail)
    assert email.subject and "\n" not in email.subject and email.subject == email.subject.strip()
    assert email.text.endswith("\n") and not email.text.startswith("\n")
    assert "\n\n\n" not in email.text and " \n" not in email.text
    assert email.html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in email.html
    assert "None" not in email.text + email.html
    assert "<script" not in email.html


def test_attachments_are_passed_through() -> None:
    from chalicelib.messages import Attachment

    ics = Attachment("invitation.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR")
    email = render_email("entretien_invitation", email_context("entretien_invitation"), (ics,))
    assert email.attachments == (ics,)


@pytest.mark.parametrize("variant", ["full", "minimal"])
@pytest.mark.parametrize("name", EMAILS_WITH_LINK)
def test_emails_that_ask_for_an_answer_carry_the_ack_link_in_both_parts(
    name: str, variant: str
) -> None:
    email = render_email(name, email_context(name, variant))
    assert f'href="{ACK_URL}"' in email.html
    assert ACK_URL in email.text
    assert "01/07/2026" in email.text  # the link's expiry


@pytest.mark.parametrize("name", EMAILS_WITHOUT_LINK)
def test_emails_that_expect_no_answer_carry_no_link(name: str) -> None:
    context = {**email_context(name), "ack_url": ACK_URL, "expires_on": date(2026, 7, 1)}
    email = render_email(name, context)
    assert ACK_URL not in email.text + email.html
    assert "/ack/" not in email.text + email.html


@pytest.mark.parametrize("variant", ["full", "minimal", "absent"])
@pytest.mark.parametrize("name", EMAILS)
def test_no_subject_names_a_youth_or_a_file_number(name: str, variant: str) -> None:
    context = email_context(name, variant)
    subject = render_email(name, context).subject
    youths = [context["youth"]] if "youth" in context else context["items"]
    for youth in youths:
        assert youth.get("prenom", "Maëlys") not in subject
        assert youth.get("telephone") is None or youth["telephone"] not in subject
    assert "D-2024-00123" not in subject and "D-1" not in subject


@pytest.mark.parametrize("variant", ["full", "minimal", "absent"])
@pytest.mark.parametrize("name", EMAILS)
def test_every_subject_line_is_proof_read(name: str, variant: str) -> None:
    proof_read(render_email(name, email_context(name, variant)).subject)


def test_the_subject_cannot_carry_extra_header_lines() -> None:
    context = email_context("referral_mission_locale")
    context["partner"]["nom"] = "ML\r\nBcc: attacker@example.org"
    context["department"]["name"] = "Nord\nX-Injected: 1"
    subject = render_email("referral_mission_locale", context).subject
    assert "\r" not in subject and "\n" not in subject


@pytest.mark.parametrize("name", EMAILS_TO_PARTNERS[:-1])
def test_the_youths_own_contact_is_shown_to_the_partner_only_with_consent(name: str) -> None:
    consented = render_email(name, email_context(name, "full"))
    assert "06 12 34 56 78" in consented.text and "maelys.jeune@example.org" in consented.text
    assert 'href="tel:+33612345678"' in consented.html
    for variant in ("minimal", "absent"):
        email = render_email(name, email_context(name, variant))
        assert "avec son accord" not in email.text + email.html
        assert "tel:" not in email.html.replace("tel:+333", "")


@pytest.mark.parametrize("name", [n for n in EMAILS if n not in EMAILS_WITH_LINK])
def test_emails_not_addressed_to_the_partner_never_show_the_youths_own_contact(
    name: str,
) -> None:
    email = render_email(name, email_context(name, "full"))
    for value in ("06 12 34 56 78", "+33612345678", "maelys.jeune@example.org"):
        assert value not in email.text + email.html + email.subject


def test_the_mission_locale_referral_says_why_and_which_pathway_parts_are_not_secured() -> None:
    email = render_email("referral_mission_locale", email_context("referral_mission_locale"))
    for part in (email.text, email.html):
        assert "17 novembre 2020" in part
        assert all(signatory in part for signatory in ("ADF", "UNML", "UNHAJ", "CNAPE"))
        assert "17 ans" in part and "entretien de préparation à la majorité" in part
        assert "Logement" in part and "Ressources" in part
        assert "Maëlys D." in part and "16 ans" in part and "12 mai 2027" in part
        assert "Lille (59350)" in part and "p.martin@lenord.fr" in part
        assert "Nord (59)" in part


def test_the_interview_invitation_gives_date_place_and_what_the_answer_confirms() -> None:
    email = render_email("entretien_invitation", email_context("entretien_invitation"))
    assert "lundi 4 mai 2026 à 14 h 30" in email.text and "MDS Lille-Sud" in email.text
    assert "confirmation" in email.text and email.subject.startswith("Modification")
    minimal = render_email("entretien_invitation", email_context("entretien_invitation", "minimal"))
    assert "à préciser" in minimal.text and minimal.subject.startswith("Invitation")


def test_the_reminder_recalls_when_the_referral_was_sent() -> None:
    email = render_email("reminder", email_context("reminder"))
    assert "01/04/2026" in email.text and email.subject.startswith("Rappel")


def test_the_alert_digest_gives_the_partners_reason_for_a_refusal() -> None:
    email = render_email("alert_digest", email_context("alert_digest"))
    assert "Hors territoire" in email.text and "Voir la mission locale de Roubaix" in email.html
    assert "D-2024-00123" in email.text


def test_the_placement_structure_learns_how_to_reach_the_mission_locale() -> None:
    email = render_email("placement_info", email_context("placement_info"))
    assert "accueil@ml-lille.example.org" in email.text and "Mission locale de Lille" in email.html
    assert "aucune réponse n'est attendue" in email.text


def test_the_risk_digest_lists_ids_and_parts() -> None:
    email = render_email("risk_digest", email_context("risk_digest"))
    assert "D-1" in email.text and "D-2" in email.html and "Santé" in email.text
    assert "2 parcours" in email.subject and "semaine du 3 mai 2027" in email.subject


def test_text_parts_are_plain_text_and_html_parts_are_escaped() -> None:
    context = email_context("referral_mission_locale")
    context["partner"]["nom"] = "Léo & Fils <ML> l'Avenir"
    email = render_email("referral_mission_locale", context)
    assert "Léo & Fils <ML> l'Avenir" in email.text
    assert "Léo &amp; Fils &lt;ML&gt; l&#39;Avenir" in email.html


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("name", EMAILS)
def test_every_roster_value_is_escaped_in_every_html_email(name: str, payload: str) -> None:
    html = render_email(name, poison(email_context(name, "full"), payload)).html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html or "&#34;&gt;&lt;img" in html


def test_a_link_that_is_not_http_never_becomes_a_clickable_href() -> None:
    context = {**email_context("reminder"), "ack_url": "javascript:alert(1)"}
    assert 'href="javascript:' not in render_email("reminder", context).html


@pytest.mark.parametrize("name", ["../pages/ack", "Reminder", "", "reminder.html"])
def test_template_names_are_plain_identifiers(name: str) -> None:
    with pytest.raises(ValueError):
        render_email(name, {})


def test_html_templates_are_autoescaped_and_text_templates_are_not() -> None:
    autoescape = environment().autoescape
    assert callable(autoescape)
    assert autoescape("email/x.html.j2") and autoescape("pages/x.html.j2")
    assert not autoescape("email/x.txt.j2") and not autoescape("email/x.subject.j2")
    assert not autoescape("sms/x.txt.j2")
    assert autoescape("email/unknown.j2")  # anything unexpected is escaped


def test_a_missing_required_key_is_an_error_not_an_empty_string() -> None:
    context = email_context("referral_mission_locale")
    del context["ack_url"]
    with pytest.raises(Exception, match="ack_url"):
        render_email("referral_mission_locale", context)

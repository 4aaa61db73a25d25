"""What partners read (SPEC §7), rendered the way dispatch renders it (stored context →
``delivery.compose``), text and HTML: tense by age, parts by their true state, each fact once,
the answer's deadline, who to call, a Reply-To that reaches the department."""

from __future__ import annotations

import pytest

from chalicelib.delivery import compose
from tests.support import messages as m

PARTNER_TEMPLATES = ("referral_mission_locale", "referral_habitat_jeunes", "reminder")


def email(template: str, youth, **extra):
    route = m.HJ if template == "referral_habitat_jeunes" else m.ML
    kind = "habitat_jeunes" if template == "referral_habitat_jeunes" else "mission_locale"
    stored = m.stored(youth, route, kind, **extra)
    return compose.email(template, stored, [route.email], m.NOW)


def reminder_extra() -> dict:
    return {"sent_on": "2026-11-23", "expires_on": "2027-01-22"}


def render(template: str, youth):
    extra = reminder_extra() if template == "reminder" else {}
    return email(template, youth, **extra)


@pytest.mark.parametrize("template", PARTNER_TEMPLATES)
def test_an_adult_youth_is_said_to_have_turned_18(aws, template):
    sent = render(template, m.record(m.ADULT))
    for part in (sent.text, sent.html):
        assert "a eu 18 ans le mardi 21 octobre 2025" in part
        assert "aura 18 ans" not in part


def test_the_17th_birthday_interview_paragraph_shows_only_while_it_applies(aws):
    young = render("referral_mission_locale", m.record(m.SIXTEEN))
    older = render("referral_mission_locale", m.record(m.SEVENTEEN))
    adult = render("referral_mission_locale", m.record(m.ADULT))
    assert "aura 18 ans le vendredi 12 mai 2028" in young.text
    assert "au plus tard aux 17 ans" in young.text and "au plus tard aux 17 ans" in young.html
    for sent in (older, adult):
        assert "au plus tard aux 17 ans" not in sent.text + sent.html


@pytest.mark.parametrize("template", PARTNER_TEMPLATES)
def test_each_pathway_part_is_listed_once_under_its_true_state(aws, template):
    sent = render(template, m.record(m.SEVENTEEN))
    assert "- À traiter : Logement\n" in sent.text
    assert "- En cours : Ressources et Emploi / formation\n" in sent.text
    assert "<strong>En cours :</strong> Ressources et Emploi / formation" in sent.html
    for part in (sent.text, sent.html):
        assert part.count("Logement") == 1
        assert "non sécurisé" not in part.lower()


def test_the_sms_shows_each_part_under_its_true_state(aws):
    stored = m.stored(m.record(m.SEVENTEEN, code_commune="97411"), m.ML_SMS)
    text = compose.sms("referral", stored, m.NOW)
    assert "A traiter : Logement. En cours : Ressources, Emploi / formation." in text
    assert "ASE 02 62 90 00 00" in text  # the department's number, always
    assert "Réponse d'ici le 07/12" in text


@pytest.mark.parametrize("template", PARTNER_TEMPLATES)
def test_the_youth_is_named_once_with_first_name_and_initial(aws, template):
    sent = render(template, m.record(m.SEVENTEEN))
    assert sent.text.count("Inès D.") == 1
    assert "- Jeune : Inès D.\n" in sent.text and "Prénom : Inès D." not in sent.text


def test_the_answer_is_expected_by_sending_plus_relance_jours(aws):
    sent = render("referral_mission_locale", m.record(m.SEVENTEEN))
    assert "Réponse attendue d'ici le lundi 7 décembre 2026" in sent.text
    assert "Réponse attendue d'ici le lundi 7 décembre 2026" in sent.html
    reminder = render("reminder", m.record(m.SEVENTEEN))
    assert "Réponse attendue d'ici le lundi 7 décembre 2026" in reminder.text  # 23/11 + 14


@pytest.mark.parametrize("template", PARTNER_TEMPLATES)
def test_every_partner_email_gives_the_referent_and_the_department_and_replies_to_it(aws, template):
    sent = render(template, m.record(m.SEVENTEEN))
    for part in (sent.text, sent.html):
        assert "Paul Martin" in part and "p.martin@cd59.example.fr" in part
        assert "03 20 12 34 56" in part
        assert "ase@cd59.example.fr" in part and "03 59 73 00 00" in part
    assert 'href="tel:+33359730000"' in sent.html
    assert sent.reply_to == ("ase@cd59.example.fr",)
    assert sent.text.count("ase@cd59.example.fr") == 1  # once: not again in the signature


def test_subject_lines_are_proof_read(aws):
    youth = m.record(m.SEVENTEEN)
    subjects = [render(t, youth).subject for t in PARTNER_TEMPLATES]
    for subject in subjects:
        m.assert_proof_read(subject)


def ack_page(template: str, **extra):
    from chalicelib.messages import render_page

    stored = m.stored(m.record(m.SEVENTEEN), sent_at="2026-11-30T09:00:00Z")
    context = compose.partner_context(stored, m.NOW, ack_url="/ack/t")
    return render_page(template, {**context, "form_action": "", "current_answer": None, **extra})


def test_the_ack_page_asks_for_the_advisor_and_gives_the_contacts_and_the_deadline():
    html = ack_page("ack")
    assert 'name="conseiller_nom"' in html and 'name="conseiller_telephone"' in html
    assert "p.martin@cd59.example.fr" in html and "03 59 73 00 00" in html
    assert "Merci de répondre d'ici le lundi 7 décembre 2026" in html
    assert "<dt>Parcours en cours</dt><dd>Ressources et Emploi / formation</dd>" in html


def test_the_confirmation_says_where_the_department_reads_the_answer():
    answer = {"reponse": "accepte", "conseiller_nom": "Mme Dupont",
              "conseiller_telephone": "+33320112233"}  # fmt: skip
    html = ack_page("ack_done", answer=answer)
    assert "en est informé : votre réponse figurera dans son récapitulatif du jour" in html
    assert "Mme Dupont – 03 20 11 22 33" in html
    assert "ase@cd59.example.fr" in html

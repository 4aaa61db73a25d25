"""SMS rendered from the templates: GSM-7 only, two segments at most, the link always whole."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from chalicelib.messages import (
    SMS_COMPACT_LEVELS,
    SMS_MAX,
    SmsTooLongError,
    gsm7_length,
    is_gsm7,
    render_sms,
    to_gsm7,
)
from chalicelib.messages.render import render_template
from chalicelib.messages.sms import shorten_first_name
from tests.support.render_contexts import (
    ACK_URL,
    department,
    full_youth,
    minimal_youth,
    partner,
)

SMS_TEMPLATES = ("referral", "reminder")
KINDS = ("mission_locale", "habitat_jeunes", "entretien")


def longest_sms_context(kind: str) -> dict:
    youth = full_youth()
    youth.update(
        prenom="Marie-Bérénice-Éléonore",
        initiale="D.",
        commune_code="51502",
        commune_nom="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson",
        parts_not_secured=[
            "Ressources",
            "Logement",
            "Emploi / formation",
            "Santé",
            "Accès aux droits",
            "Accompagnement socio-éducatif",
        ],
        parts={
            "a_traiter": ["Ressources", "Logement", "Emploi / formation"],
            "en_cours": ["Santé", "Accès aux droits", "Accompagnement socio-éducatif"],
        },
    )
    youth["entretien"] = {
        "date": date(2026, 12, 31),
        "heure": "14:30",
        "lieu": "Maison départementale des solidarités de Digne-les-Bains",
    }
    return {
        "department": department(long=True),
        "youth": youth,
        "partner": partner(),
        "kind": kind,
        "ack_url": "https://relais-ase.departements-solidarites.example.fr/ack/"
        + "q3Xv9kZ2m0bB7yT1aP4sW8dF6gH5jK0lL2nM4pR6tU8"[:33],
        "sent_on": date(2026, 11, 30),
        "answer_by": date(2026, 12, 14),
    }


def sms_context(data: str, kind: str) -> dict:
    if data == "longest":
        return longest_sms_context(kind)
    youth = full_youth() if data == "typical" else minimal_youth(entretien=kind == "entretien")
    return {
        "department": department(),
        "youth": youth,
        "partner": partner(),
        "kind": kind,
        "ack_url": ACK_URL,
        "sent_on": date(2026, 4, 1),
        "answer_by": date(2026, 4, 15),
    }


@pytest.mark.parametrize("data", ["longest", "typical", "minimal"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SMS_TEMPLATES)
def test_every_sms_is_gsm7_within_two_segments_and_keeps_the_whole_link(
    name: str, kind: str, data: str
) -> None:
    context = sms_context(data, kind)
    text = render_sms(name, context)
    assert is_gsm7(text)
    assert gsm7_length(text) <= SMS_MAX
    assert context["ack_url"] in text
    assert text.endswith(context["ack_url"])
    assert f"{to_gsm7(context['youth']['prenom'])} D." in text


@pytest.mark.parametrize("level", range(SMS_COMPACT_LEVELS))
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SMS_TEMPLATES)
def test_every_compact_level_of_every_sms_template_renders(
    name: str, kind: str, level: int
) -> None:
    text = to_gsm7(
        render_template("sms", name, "txt.j2", {**longest_sms_context(kind), "compact": level})
    )
    assert is_gsm7(text) and text.endswith(longest_sms_context(kind)["ack_url"])


def test_a_short_sms_keeps_every_detail() -> None:
    text = render_sms("referral", sms_context("typical", "mission_locale"))
    assert "Nord (59)" in text and "16 ans" in text and "Lille (59350)" in text
    assert "A traiter : Logement. En cours : Ressources." in text  # À transliterated


def test_a_long_sms_drops_optional_details_rather_than_the_link() -> None:
    context = longest_sms_context("mission_locale")
    text = render_sms("referral", context)
    assert "A traiter" not in text
    assert text.endswith(context["ack_url"]) and "12/05/2027" in text


def test_sms_letters_outside_gsm7_are_transliterated() -> None:
    context = sms_context("typical", "habitat_jeunes")
    context["youth"]["commune_nom"] = "Châteauroux-lès-Œuvres"
    text = render_sms("referral", context)
    assert "Chateauroux-lès-OEuvres" in text and "Réponse d'ici le" in text  # è, é are GSM-7


def test_an_sms_that_cannot_fit_even_compact_raises() -> None:
    context = {**sms_context("typical", "mission_locale"), "ack_url": "https://x.fr/" + "a" * 300}
    with pytest.raises(SmsTooLongError):
        render_sms("referral", context)


def test_an_sms_link_that_transliteration_would_alter_is_refused() -> None:
    context = {**sms_context("typical", "mission_locale"), "ack_url": "https://relais.fr/ack/ç"}
    with pytest.raises(ValueError, match="lien"):
        render_sms("referral", context)


def test_a_poisoned_sms_context_stays_gsm7() -> None:
    context = copy.deepcopy(sms_context("typical", "mission_locale"))
    context["youth"]["prenom"] = "<script>alert(1)</script>\u200b\t«é»"
    text = render_sms("referral", context)
    assert is_gsm7(text) and '"é"' in text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SMS_TEMPLATES)
@pytest.mark.parametrize("first_name", ["A" * 200, "Œ" * 200, "Jean-" * 40, "€" * 200])
def test_a_first_name_too_long_for_two_segments_is_shortened_never_a_failure(
    name: str, kind: str, first_name: str
) -> None:
    context = longest_sms_context(kind)
    context["youth"]["prenom"] = first_name
    text = render_sms(name, context)
    assert is_gsm7(text) and gsm7_length(text) <= SMS_MAX
    assert text.endswith(context["ack_url"])
    shown = to_gsm7(first_name)[:4]
    assert f" {shown}" in text and ". D." in text  # its start, marked shortened, then the initial


def test_a_shortened_first_name_keeps_as_much_as_fits() -> None:
    assert shorten_first_name("Marie-Bérénice", 6) == "Marie-B."
    assert shorten_first_name("A" * 10, 50) == "A."

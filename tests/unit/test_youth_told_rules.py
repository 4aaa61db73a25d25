"""The youth told (SPEC §6, v3), pure parts: the roster's ``informer_jeune`` column (default oui,
synonym "Informer le jeune") and the messages a youth reads (no link, GSM-7 in two segments)."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.youth import YouthRecord
from chalicelib.messages import SMS_MAX, gsm7_length, is_gsm7, render_email, render_sms
from chalicelib.roster.parsing import parse_roster
from tests.support.render_contexts import department, exit_requests, youth_message_context
from tests.support.roster_files import TODAY, roster_csv, youth_row


def informer(cell: str | None, header: str = "Informer le jeune") -> bool:
    row = youth_row() if cell is None else youth_row(informer_jeune=cell)
    headers = {"informer_jeune": header} if cell is not None else None
    (record,) = parse_roster(
        roster_csv([row], headers=headers), department="59", today=TODAY
    ).records
    return record.informer_jeune


@pytest.mark.parametrize(
    ("cell", "header", "told"),
    [
        (None, "", True),  # no such column: the youth may be told
        ("", "Informer le jeune", True),  # empty: default oui
        ("non", "Informer le jeune", False),
        ("N", "informer_jeune", False),
        ("oui", "INFORMER LE JEUNE", True),
    ],
)
def test_the_roster_says_whether_the_youth_may_be_told_and_the_default_is_yes(
    cell: str | None, header: str, told: bool
) -> None:
    assert informer(cell, header) is told


def test_a_record_that_says_nothing_keeps_the_fingerprint_it_had_before_the_column() -> None:
    record = YouthRecord("A1", "Durand", "Inès", date(2010, 5, 12), "59350", "r@cd59.fr")
    assert "informer_jeune" not in record.as_attributes()
    silent = YouthRecord("A1", "Durand", "Inès", date(2010, 5, 12), "59350", "r@cd59.fr",
                         informer_jeune=False)  # fmt: skip
    assert silent.fingerprint() != record.fingerprint()
    assert YouthRecord.from_attributes(silent.as_attributes()).informer_jeune is False
    assert YouthRecord.from_attributes(record.as_attributes()).informer_jeune is True


@pytest.mark.parametrize("kind", ["mission_locale", "habitat_jeunes"])
@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("update", [False, True])
def test_the_youths_sms_is_short_gsm7_and_has_no_link(kind: str, full: bool, update: bool) -> None:
    text = render_sms("youth_informed", youth_message_context(full, kind=kind, update=update))
    assert is_gsm7(text) and gsm7_length(text) <= SMS_MAX
    assert "http" not in text and "/ack/" not in text
    assert text.startswith("Bonjour Maelys,\n")
    assert all(len(sentence) < 90 for sentence in text.split("\n"))  # short sentences


def test_a_long_first_name_and_structure_name_shorten_the_youths_sms_rather_than_fail() -> None:
    context = youth_message_context(update=True)
    context["youth"]["prenom"] = "Marie-Bérénice-Éléonore-Alexandrine-Gwendoline"
    context["partner"]["nom"] = "Mission locale intercommunale du Pays de Saint-Rémy-en-Bouzemont"
    text = render_sms("youth_informed", context)
    assert gsm7_length(text) <= SMS_MAX and "03 20 11 22 33" in text


def test_the_youths_email_names_the_structure_the_advisor_and_the_appointment() -> None:
    email = render_email("youth_informed", youth_message_context())
    assert "Mission locale de Lille a accepté de vous accompagner" in email.text
    assert "Votre rendez-vous : mardi 8 décembre 2026" in email.text
    assert "Votre contact : Mme Dupont – 03 20 11 22 33" in email.text
    assert 'href="tel:+33320112233"' in email.html
    assert "http" not in email.text and "Relais ASE ·" not in email.text


def test_the_exit_notice_sms_is_short_gsm7_and_has_no_link() -> None:
    context = {
        "department": department(),
        "youth": {"prenom": "Maëlys", "initiale": "D."},
        "partner": {"nom": "Mission locale de Lille"},
        "requests": exit_requests(True),
    }
    text = render_sms("exit_notice", context)
    assert is_gsm7(text) and gsm7_length(text) <= SMS_MAX and "http" not in text
    assert "Maelys D. n'est plus suivi(e) par l'ASE du département." in text
    assert "Contact : ASE ase@lenord.fr" in text

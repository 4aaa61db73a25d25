"""The weekly risk digest's content (SPEC §5.1): the risk rule at its edges, grouping, once-a-week
keys, and what the rendered email shows. Pure: no storage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.delivery import compose
from chalicelib.domain.clock import add_months
from chalicelib.domain.enums import YouthEvent
from chalicelib.domain.history import YouthHistoryEntry
from chalicelib.domain.youth import YouthRecord
from chalicelib.pathway import content, digest
from chalicelib.store.models import Department
from tests.fixtures.privacy import sensitive

TODAY = date(2026, 3, 16)  # a Monday
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def record(
    id_externe: str,
    majority: date,
    parcours: dict[str, str],
    referent: str = "referent.a@cd59.example.fr",
    referent_nom: str | None = None,
) -> YouthRecord:
    return YouthRecord(
        id_externe=id_externe,
        nom=sensitive("Delacroix-Test"),
        prenom=sensitive("Maëlys"),
        date_naissance=majority.replace(year=majority.year - 18),
        code_commune="59350",
        referent_email=sensitive(referent),
        referent_nom=referent_nom,
        parcours=parcours,
    )


def department(contact: str = "ase@cd59.example.fr") -> Department:
    return Department("59", name="Nord", contact_email=contact, timezone="Europe/Paris")


# --- the rule at its edges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("majority", "at_risk"),
    [
        (add_months(TODAY, 6), False),  # exactly 6 months: not yet
        (add_months(TODAY, 6) - timedelta(days=1), True),  # one day less
        (TODAY + timedelta(days=1), True),  # tomorrow
        (TODAY, False),  # of age today: no longer a minor's pathway
    ],
)
def test_a_youth_is_in_the_digest_only_less_than_six_months_before_majority(majority, at_risk):
    entry = content.risk_entry(record("R-1", majority, {"sante": "a_traiter"}), TODAY)
    assert (entry is not None) is at_risk


def test_a_part_moving_from_a_traiter_to_en_cours_takes_the_youth_out_of_the_digest():
    majority = TODAY + timedelta(days=40)
    before = content.risk_entry(record("R-1", majority, {"logement": "a_traiter"}), TODAY)
    after = content.risk_entry(record("R-1", majority, {"logement": "en_cours"}), TODAY)
    assert before is not None and before.parts == ("logement",)
    assert after is None


def test_an_accepted_housing_referral_counts_housing_as_in_progress_until_the_roster_changes():
    majority = TODAY + timedelta(days=40)
    youth = record("R-1", majority, {"logement": "a_traiter", "sante": "a_traiter"})
    accepted = content.answer_event("habitat_jeunes", True, "2026-03-02T10:00:00Z")
    entry = content.risk_entry(youth, TODAY, [accepted])
    assert entry is not None and entry.parts == ("sante",)  # housing no longer "à traiter"
    # a later roster saying "à traiter" again for housing wins over the partner's answer
    later = YouthHistoryEntry(
        "2026-03-09T05:00:00Z", YouthEvent.PATHWAY, "logement", "a_traiter", "a_traiter"
    )
    again = content.risk_entry(youth, TODAY, [accepted, later])
    assert again is not None and again.parts == ("logement", "sante")


def test_an_accepted_mission_locale_referral_counts_employment_and_a_withdrawal_undoes_it():
    youth = record("R-1", TODAY + timedelta(days=40), {"emploi": "a_traiter"})
    accepted = content.answer_event("mission_locale", True, "2026-03-02T10:00:00Z")
    withdrawn = content.answer_event("mission_locale", False, "2026-03-03T10:00:00Z")
    assert content.risk_entry(youth, TODAY, [accepted]) is None
    assert content.risk_entry(youth, TODAY, [accepted, withdrawn]) is not None
    assert content.answer_event("entretien", True, "2026-03-02T10:00:00Z") is None


def test_the_digest_speaks_the_departments_words_not_column_codes():
    entry = content.risk_entry(
        record("D-1", TODAY + timedelta(days=40), {"sante": "a_traiter"}), TODAY
    )
    (mine, _) = digest.digest_messages(department(), [entry], TODAY, NOW)
    email = compose.email(mine.template, mine.context.as_dict(), mine.recipients, NOW)
    for part in (email.text, email.html):
        assert "parcours_" not in part
        assert "prochain fichier des jeunes" in part
        assert "Une orientation acceptée par un partenaire compte déjà comme « en cours »" in part


def test_the_entry_names_the_youth_by_first_name_and_initial_with_french_part_labels():
    parcours = {"sante": "a_traiter", "ressources": "a_traiter", "emploi": "en_cours"}
    entry = content.risk_entry(record("R-7", date(2026, 5, 2), parcours), TODAY)
    assert entry is not None
    assert entry.item() == {
        "id_externe": "R-7",
        "prenom": "Maëlys",
        "initiale": "D.",
        "majority_date": "2026-05-02",
        "parts": ["Ressources", "Santé"],
    }


# --- weeks and recipients ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week", "label"),
    [
        (date(2026, 3, 16), "2026-W12", "semaine du 16 mars 2026"),
        (date(2026, 3, 22), "2026-W12", "semaine du 16 mars 2026"),  # Sunday: same week
        (date(2026, 3, 23), "2026-W13", "semaine du 23 mars 2026"),
        (date(2027, 1, 1), "2026-W53", "semaine du 28 décembre 2026"),  # ISO year
        (date(2026, 6, 3), "2026-W23", "semaine du 1er juin 2026"),
    ],
)
def test_the_digest_week_is_the_iso_week_of_the_local_day(day, week, label):
    assert (content.week_of(day), content.week_label(day)) == (week, label)


def test_message_ids_are_one_per_recipient_and_week_and_carry_no_address():
    same = digest.message_id("59", "2026-W12", "Referent.A@cd59.example.fr")
    assert same == digest.message_id("59", "2026-W12", "referent.a@cd59.example.fr")
    assert same != digest.message_id("59", "2026-W13", "referent.a@cd59.example.fr")
    assert same != digest.message_id("59", "2026-W12", "referent.b@cd59.example.fr")
    assert same != digest.message_id("62", "2026-W12", "referent.a@cd59.example.fr")
    assert "referent" not in same and "cd59" not in same


def test_erasure_can_list_every_digest_id_still_kept_for_a_recipient():
    kept = digest.message_ids("59", ["referent.a@cd59.example.fr"], TODAY)
    assert digest.message_id("59", "2026-W12", "referent.a@cd59.example.fr") in kept
    oldest = TODAY - digest.DIGEST_TTL
    assert digest.message_id("59", content.week_of(oldest), "referent.a@cd59.example.fr") in kept


def test_one_digest_per_referent_and_one_for_the_department_listing_everyone():
    # Given three youths at risk followed by two referents, and one not at risk
    entries = [
        content.risk_entry(
            record(i, TODAY + timedelta(days=d), p, referent=r, referent_nom=n), TODAY
        )
        for i, d, p, r, n in [
            ("A-2", 90, {"droits": "a_traiter"}, "ref.a@cd59.example.fr", "Paul Martin"),
            ("A-1", 30, {"sante": "a_traiter"}, "ref.a@cd59.example.fr", None),
            ("B-1", 60, {"logement": "a_traiter"}, "ref.b@cd59.example.fr", None),
            ("C-1", 60, {"logement": "securise"}, "ref.c@cd59.example.fr", None),
        ]
    ]
    # When the week's messages are built
    messages = digest.digest_messages(department(), [e for e in entries if e], TODAY, NOW)
    # Then each referent gets their youths, nearest majority first, and the department everyone
    by_recipient = {m.recipients[0]: m.context.as_dict() for m in messages}
    assert list(by_recipient) == [
        "ref.a@cd59.example.fr",
        "ref.b@cd59.example.fr",
        "ase@cd59.example.fr",
    ]
    ids_of = {to: [item["id_externe"] for item in c["items"]] for to, c in by_recipient.items()}
    assert ids_of == {
        "ref.a@cd59.example.fr": ["A-1", "A-2"],
        "ref.b@cd59.example.fr": ["B-1"],
        "ase@cd59.example.fr": ["A-1", "B-1", "A-2"],
    }
    assert by_recipient["ref.a@cd59.example.fr"]["recipient_label"] == "Paul Martin"
    assert by_recipient["ref.b@cd59.example.fr"]["recipient_label"] == content.ANONYMOUS_LABEL
    assert {(m.purpose, m.template, m.channel, m.status) for m in messages} == {
        ("digest", "risk_digest", "email", "pending")
    }
    assert all(m.expires_at == NOW + digest.DIGEST_TTL for m in messages)


def test_nothing_is_built_when_nobody_is_at_risk():
    assert digest.digest_messages(department(), [], TODAY, NOW) == []


def test_a_referent_who_is_the_department_contact_gets_the_department_digest_only():
    entry = content.risk_entry(
        record("A-1", TODAY + timedelta(days=30), {"sante": "a_traiter"}, "ase@cd59.example.fr"),
        TODAY,
    )
    messages = digest.digest_messages(department(), [entry], TODAY, NOW)
    assert [(m.recipients, m.context.as_dict()["recipient_label"]) for m in messages] == [
        (["ase@cd59.example.fr"], content.DEPARTMENT_LABEL)
    ]


# --- what the dispatcher renders -----------------------------------------------------------------


def test_the_stored_context_renders_ids_first_names_dates_and_parts_and_no_name_in_the_subject():
    parcours = {"sante": "a_traiter", "accompagnement": "a_traiter"}
    entry = content.risk_entry(record("D-2026-042", date(2026, 5, 2), parcours), TODAY)
    (mine, _) = digest.digest_messages(department(), [entry], TODAY, NOW)
    email = compose.email(mine.template, mine.context.as_dict(), mine.recipients, NOW)
    assert "- Dossier : D-2026-042 – Jeune : Maëlys D. – Majorité : 02/05/2026" in email.text
    assert "Santé et Accompagnement socio-éducatif" in email.text
    assert "D-2026-042" in email.html and "Delacroix" not in email.text + email.html
    assert email.subject == (
        "Relais ASE – Nord (59) : 1 parcours à sécuriser avant la majorité "
        "– semaine du 16 mars 2026"
    )
    assert "Maëlys" not in email.subject and "D-2026-042" not in email.subject

"""What the partners' space shows (SPEC §4c), without I/O: each referral under its state, the
states in a fixed order (awaiting an answer first), and the CSV facts without the youth's own
contact."""

from __future__ import annotations

from datetime import date

from chalicelib.partners import views

YOUTH = {
    "prenom": "Inès",
    "initiale": "D.",
    "majority_date": date(2027, 5, 12),
    "commune_nom": "Lille",
    "commune_code": "59350",
    "telephone": "+33612345678",
    "email": "ines@example.fr",
    "referent": {"email": "p.martin@cd59.example.fr"},
    "entretien": {"date": date(2026, 12, 15), "heure": "14:30"},
}
DEPARTMENT = {"code": "59", "name": "Nord", "contact_email": "ase@cd59.example.fr"}


def context(answer: dict | None = None) -> dict:
    return {"youth": YOUTH, "department": DEPARTMENT, "kind": "mission_locale",
            "current_answer": answer}  # fmt: skip


def test_each_status_the_referral_page_shows_falls_under_one_state_in_a_fixed_order():
    statuses = ["declined", "acknowledged", "sent", "redirected", "escalated"]
    entries = [
        views.listed(
            context(), status=status, received="2026-11-30T09:00:00Z", closed=False, number=number
        )
        for number, status in enumerate(statuses, 1)
    ]
    grouped = views.groups(entries)
    assert [group["key"] for group in grouped] == [
        "a_repondre", "acceptee", "refusee", "reorientee"
    ]  # fmt: skip
    assert len(grouped[0]["entries"]) == 2  # sent and escalated both await an answer
    assert [entry["prefix"] for entry in entries] == ["o1-", "o2-", "o3-", "o4-", "o5-"]
    assert entries[1]["state_label"] == "Acceptée"
    assert entries[0]["received_on"] == "2026-11-30"


def test_a_page_without_referrals_has_no_group():
    assert views.groups([]) == []


def test_the_csv_line_has_the_answer_and_the_interview_but_not_the_youths_own_contact():
    answer = {"reponse": "accepte", "date_rdv": "2026-12-08", "conseiller_nom": "Mme Dupont"}
    entry = views.listed(context(answer), status="acknowledged", received="2026-11-30",
                         closed=False, number=1)  # fmt: skip
    row = views.csv_row(entry)
    assert set(row) == set(views.CSV_COLUMNS)
    assert row["jeune"] == "Inès D."
    assert row["departement"] == "Nord (59)"
    assert row["etat"] == "Acceptée"
    assert row["reponse"] == "Nous prenons en charge l'accompagnement"
    assert row["date_rdv"] == "2026-12-08"
    assert row["entretien"] == "2026-12-15 14:30"
    assert "+33612345678" not in row.values() and "ines@example.fr" not in row.values()

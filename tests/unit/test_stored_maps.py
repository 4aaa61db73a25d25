"""The maps stored on referrals, youths and alerts read back as typed values and are written back
exactly as stored (no migration): every value survives ``to_item`` then ``from_item``, and items
as today's writers store them read back to the same values and the same map. Pure."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.alert_details import (
    AlertDetails,
    Candidate,
    Delivery,
    NoPartner,
    PartnerMention,
    YouthMention,
)
from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.enums import Answer, Kind, YouthEvent
from chalicelib.domain.history import StatusChange, YouthHistoryEntry
from chalicelib.domain.snapshot import (
    DepartmentView,
    Interview,
    PartnerContact,
    PartnerView,
    Placement,
    Referent,
    SharedYouth,
    Snapshot,
)
from tests.support import messages

TEXT = st.text(max_size=12)
MAYBE = st.none() | TEXT
DAYS = st.none() | st.integers(min_value=0, max_value=400)
KIND = st.sampled_from(list(Kind)) | TEXT

YOUTHS = st.builds(
    SharedYouth,
    id_externe=TEXT,
    prenom=MAYBE,
    initiale=MAYBE,
    majority_date=MAYBE,
    commune_code=MAYBE,
    commune_nom=MAYBE,
    besoin_logement=st.booleans(),
    parts_not_secured=st.none() | st.lists(TEXT, max_size=3).map(tuple),
    parcours=st.none() | st.dictionaries(TEXT, TEXT, max_size=3),
    telephone=MAYBE,
    email=MAYBE,
    referent=st.builds(Referent, MAYBE, MAYBE, MAYBE),
    entretien=st.none() | st.builds(Interview, TEXT, MAYBE, MAYBE),
    lieu_accueil=st.none() | st.builds(Placement, MAYBE, MAYBE),
)
SNAPSHOTS = st.builds(
    Snapshot,
    partner=st.builds(
        PartnerView,
        TEXT,
        TEXT,
        MAYBE,
        st.none() | st.builds(PartnerContact, MAYBE, MAYBE, st.booleans(), MAYBE),
    ),
    kind=st.none() | KIND,
    youth=st.none() | YOUTHS,
    department=st.none() | st.builds(DepartmentView, TEXT, MAYBE, MAYBE, MAYBE, DAYS, DAYS, DAYS),
)
ANSWERS = st.builds(
    AnswerEntry,
    reponse=st.sampled_from(list(Answer)),
    date_rdv=MAYBE,
    motif=MAYBE,
    commentaire=MAYBE,
    conseiller_nom=MAYBE,
    conseiller_telephone=MAYBE,
    at=MAYBE,
)
MENTIONS = st.builds(YouthMention, MAYBE, MAYBE, MAYBE, MAYBE, MAYBE, MAYBE)


@st.composite
def alert_details(draw: Any) -> AlertDetails:
    """``sent_at`` is stored with the partner, ``rerouted_to`` with the answer."""
    partner = draw(st.none() | st.builds(PartnerMention, MAYBE, MAYBE, MAYBE, MAYBE))
    answer = draw(st.none() | ANSWERS)
    candidates = st.lists(st.builds(Candidate, TEXT, MAYBE), max_size=3).map(tuple)
    return AlertDetails(
        youth=draw(MENTIONS),
        referral_kind=draw(KIND),
        route=draw(st.none() | st.builds(NoPartner, TEXT, MAYBE, candidates)),
        partner=partner,
        sent_at=draw(MAYBE) if partner is not None else None,
        answer=answer,
        rerouted_to=draw(MAYBE) if answer is not None else None,
        delivery=draw(st.none() | st.builds(Delivery, TEXT, TEXT)),
    )


@given(SNAPSHOTS)
def test_every_snapshot_reads_back_as_written(snapshot: Snapshot) -> None:
    assert Snapshot.from_item(snapshot.to_item()) == snapshot


@given(ANSWERS)
def test_every_answer_reads_back_as_written(answer: AnswerEntry) -> None:
    assert AnswerEntry.from_item(answer.to_item()) == answer


@given(alert_details())
def test_every_alert_details_read_back_as_written(details: AlertDetails) -> None:
    assert AlertDetails.from_item(details.to_item()) == details


@given(TEXT, TEXT, st.none() | st.text(min_size=1, max_size=12))
def test_every_status_change_reads_back_as_written(at: str, status: str, note: str | None) -> None:
    change = StatusChange(at, status, note)
    assert StatusChange.from_item(change.to_item()) == change


@given(TEXT, st.sampled_from(list(YouthEvent)) | TEXT, MAYBE, MAYBE, MAYBE)
def test_every_youth_history_entry_reads_back_as_written(
    at: str, event: str, part: str | None, before: str | None, after: str | None
) -> None:
    entry = YouthHistoryEntry(at, event, part, before, after)
    assert YouthHistoryEntry.from_item(entry.to_item()) == entry


# --- items as today's writers store them ----------------------------------------------------------
STORED_SNAPSHOT: dict[str, Any] = {
    "kind": "mission_locale",
    "youth": {
        "id_externe": "59-0012",
        "prenom": "Inès",
        "initiale": "D.",
        "majority_date": "2028-05-12",
        "commune_code": "59350",
        "commune_nom": "Lille",
        "besoin_logement": True,
        "parts_not_secured": ["ressources", "logement", "emploi"],
        "parcours": {"ressources": "en_cours", "logement": "a_traiter", "emploi": "en_cours"},
        "telephone": None,
        "email": None,
        "referent": {
            "nom": "Paul Martin",
            "email": "p.martin@cd59.example.fr",
            "telephone": "+33320123456",
        },
        "entretien": {"date": "2026-12-03", "heure": "14:30", "lieu": "Maison du Département"},
        "lieu_accueil": {"nom": "Foyer Saint-Jean", "email": "foyer@example.fr"},
    },
    "department": {
        "code": "59",
        "name": "Nord",
        "contact_email": "ase@cd59.example.fr",
        "contact_phone": "+33359730000",
        "ack_ttl_days": 60,
        "relance_jours": 7,
        "escalade_jours": 14,
    },
    "partner": {
        "type": "mission_locale",
        "id": "ML59A",
        "nom": "Mission locale de Lille",
        "email": "accueil@ml-lille.example.fr",
        "telephone": "+33320000000",
        "telephone_mobile": False,
        "canal": "email",
    },
}


def test_a_stored_snapshot_reads_back_to_its_values_and_its_map() -> None:
    snapshot = Snapshot.from_item(STORED_SNAPSHOT)
    assert snapshot.kind is Kind.MISSION_LOCALE
    assert snapshot.youth is not None and snapshot.youth.prenom == "Inès"
    assert snapshot.youth.entretien == Interview("2026-12-03", "14:30", "Maison du Département")
    assert snapshot.youth.parts_not_secured == ("ressources", "logement", "emploi")
    assert snapshot.department is not None and snapshot.department.relance_jours == 7
    assert snapshot.partner.contact is not None and snapshot.partner.contact.canal == "email"
    assert snapshot.to_item() == STORED_SNAPSHOT


def test_a_referral_is_created_with_the_snapshot_shape_stored_until_now() -> None:
    youth = messages.record(
        messages.SIXTEEN,
        date_entretien="2026-12-03T14:30",
        lieu_entretien="Maison du Département",
        lieu_accueil_nom="Foyer Saint-Jean",
        lieu_accueil_email="foyer@example.fr",
    )
    assert messages.stored(youth)["snapshot"] == STORED_SNAPSHOT


def test_an_erased_referrals_snapshot_keeps_the_partners_name_alone() -> None:
    stored = {"partner": {"type": "mission_locale", "id": "ML59A", "nom": "Mission locale"}}
    snapshot = Snapshot.from_item(stored)
    assert snapshot.youth is None and snapshot.partner.contact is None
    assert snapshot.to_item() == stored
    assert Snapshot.from_item(STORED_SNAPSHOT).anonymous().to_item() == {
        "partner": {"type": "mission_locale", "id": "ML59A", "nom": "Mission locale de Lille"}
    }


def test_a_snapshot_from_before_the_pathway_states_reads_back_without_them() -> None:
    youth = {
        k: v
        for k, v in STORED_SNAPSHOT["youth"].items()
        if k not in ("parcours", "parts_not_secured")
    }
    stored = {**STORED_SNAPSHOT, "youth": youth}
    snapshot = Snapshot.from_item(stored)
    assert snapshot.youth is not None and snapshot.youth.parcours is None
    assert snapshot.to_item() == stored


def test_a_stored_answer_reads_back_with_its_blank_fields() -> None:
    stored = {
        "reponse": "accepte",
        "date_rdv": "2026-12-10",
        "motif": "",
        "commentaire": "Premier rendez-vous fixé",
        "conseiller_nom": "Mme Roux",
        "conseiller_telephone": "",
        "at": "2026-12-01T09:30:00Z",
    }
    answer = AnswerEntry.from_item(stored)
    assert answer.reponse is Answer.ACCEPTE and answer.motif == ""
    assert answer.to_item() == stored
    assert AnswerEntry.from_item({"reponse": "refuse"}).to_item() == {"reponse": "refuse"}


def test_stored_history_entries_read_back_to_their_values_and_maps() -> None:
    pathway = {"at": "2026-12-01", "event": "pathway", "part": "logement", "from": "a_traiter"}
    pathway["to"] = "en_cours"
    youth_items = [{"at": "2026-12-01", "event": "exited"}, pathway]
    youth_items.append(
        {"at": "2026-12-02T10:00:00Z", "event": "partner_accepted", "part": "emploi"}
    )
    entries = [YouthHistoryEntry.from_item(item) for item in youth_items]
    assert entries[1] == YouthHistoryEntry(
        "2026-12-01", YouthEvent.PATHWAY, "logement", "a_traiter", "en_cours"
    )
    assert [entry.to_item() for entry in entries] == youth_items
    stored = {"at": "2026-12-01T09:00:00Z", "status": "undeliverable", "note": "hard_bounce"}
    assert StatusChange.from_item(stored) == StatusChange(*stored.values())
    assert StatusChange.from_item(stored).to_item() == stored


def test_a_youth_event_this_version_does_not_know_is_kept_as_stored() -> None:
    stored = {"at": "2026-12-01", "event": "moved_abroad"}
    assert YouthHistoryEntry.from_item(stored).to_item() == stored


YOUTH = {
    "id_externe": "59-0012",
    "prenom": "Inès",
    "initiale": "D.",
    "majority_date": "2028-05-12",
    "commune_code": "59350",
    "commune_nom": "Lille",
}
PARTNER = {"id": "ML59A", "nom": "Mission locale de Lille", "email": None, "telephone": None}
STORED_DETAILS = [
    {  # no_partner
        "youth": YOUTH,
        "referral_kind": "mission_locale",
        "reason": "commune_partagee",
        "code_ml": None,
        "candidates": [{"code": "ML59A", "nom": "Lille"}, {"code": "ML59B", "nom": None}],
    },
    {  # refused (and the other answers)
        "youth": YOUTH,
        "referral_kind": "habitat_jeunes",
        "partner": PARTNER,
        "sent_at": "2026-11-30T09:00:00Z",
        "answer": {
            "reponse": "refuse",
            "date_rdv": "",
            "motif": "Complet",
            "commentaire": "",
            "conseiller_nom": "",
            "conseiller_telephone": "",
            "at": "2026-12-01T09:30:00Z",
        },
        "rerouted_to": None,
    },
    {  # undeliverable, failed
        "youth": YOUTH,
        "referral_kind": "",
        "partner": PARTNER,
        "sent_at": None,
        "channel": "email",
        "error_code": "hard_bounce",
    },
    {"youth": YOUTH, "referral_kind": "entretien", "partner": PARTNER, "sent_at": None},
]


def test_stored_alert_details_read_back_to_their_values_and_maps() -> None:
    found = [AlertDetails.from_item(item) for item in STORED_DETAILS]
    assert found[0].route == NoPartner(
        "commune_partagee", None, (Candidate("ML59A", "Lille"), Candidate("ML59B", None))
    )
    assert found[1].answer is not None and found[1].answer.motif == "Complet"
    assert found[2].delivery == Delivery("email", "hard_bounce") and found[2].referral_kind == ""
    assert found[3].partner == PartnerMention("ML59A", "Mission locale de Lille")
    assert [details.to_item() for details in found] == STORED_DETAILS


def test_an_alert_names_the_youth_and_partner_of_a_snapshot_as_it_always_stored_them() -> None:
    snapshot = Snapshot.from_item(STORED_SNAPSHOT)
    details = AlertDetails(
        YouthMention.of_youth(snapshot.youth),
        Kind.MISSION_LOCALE,
        partner=PartnerMention.of_partner(snapshot.partner),
        sent_at="2026-11-30T09:00:00Z",
    )
    assert details.to_item() == {
        "youth": {
            "id_externe": "59-0012",
            "prenom": "Inès",
            "initiale": "D.",
            "majority_date": "2028-05-12",
            "commune_code": "59350",
            "commune_nom": "Lille",
        },
        "referral_kind": "mission_locale",
        "partner": {
            "id": "ML59A",
            "nom": "Mission locale de Lille",
            "email": "accueil@ml-lille.example.fr",
            "telephone": "+33320000000",
        },
        "sent_at": "2026-11-30T09:00:00Z",
    }


def test_a_snapshot_gives_back_the_route_it_was_built_from() -> None:
    route = Snapshot.from_item(STORED_SNAPSHOT).partner.route()
    assert route == messages.ML
    erased = Snapshot.from_item({"partner": {"type": "mission_locale", "id": "ML59A", "nom": "ML"}})
    assert erased.partner.route().email is None and erased.partner.route().canal == "email"


def test_a_withdrawn_consent_clears_the_youths_contact_and_nothing_else() -> None:
    stored = {**STORED_SNAPSHOT, "youth": {**STORED_SNAPSHOT["youth"], "telephone": "+33612345678"}}
    cleared = Snapshot.from_item(stored).with_contact(None, None)
    assert cleared is not None and cleared.to_item() == STORED_SNAPSHOT
    assert (
        Snapshot.from_item({"partner": {"type": "x", "id": "y"}}).with_contact(None, None) is None
    )

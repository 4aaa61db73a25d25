"""Render every message and page a person receives, with sample data, to ``artifacts/messages/``:
``python -m chalicelib.local.samples``. Dev only (no AWS): to READ them as their recipients would.

Contexts are built the way the product builds them (roster record → snapshot → ``compose``); the
acknowledgement link is a sample (the real one needs the key in Secrets Manager).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from chalicelib.alerts import digest, links
from chalicelib.delivery import compose, spaces
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.routing import Route
from chalicelib.domain.stored import StoredAlert, StoredReferral
from chalicelib.domain.youth import YouthRecord
from chalicelib.messages import render
from chalicelib.partners import views as space_views
from chalicelib.pathway import content
from chalicelib.referrals import exit_notice, snapshot, youth_message
from chalicelib.store import alerts as store_alerts
from chalicelib.store import departments as store_departments
from chalicelib.store import referrals as store_referrals

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LINK = "https://relais-ase.example.fr/ack/EXEMPLE-de-lien-personnel-0123456789abcdef"
SPACE = "https://relais-ase.example.fr/partenaires/EXEMPLE-espace-de-la-structure-0123456789a"
ML = Route("mission_locale", "ML59A", "Mission locale de Lille", "accueil@ml-lille.example.fr",
           "+33320000000", False, "email")  # fmt: skip
HJ = Route("habitat_jeunes", "HJ59", "Résidence Les Tilleuls", "accueil@fjt.example.fr", None,
           False, "email")  # fmt: skip
DEPARTMENT = store_departments.unsaved(
    "59", name="Nord", contact_email="ase-orientation@cd59.example.fr",
    contact_phone="+33359730000", relance_jours=7, escalade_jours=14, ack_ttl_days=60,
)  # fmt: skip


def youth(born: date, **extra: Any) -> YouthRecord:
    return YouthRecord(
        id_externe="59-0012", nom="Durand", prenom="Inès", date_naissance=born,
        code_commune="59350", referent_email="p.martin@cd59.example.fr", referent_nom="Paul Martin",
        referent_telephone="+33320123456", besoin_logement=True,
        parcours={"ressources": "en_cours", "logement": "a_traiter", "emploi": "en_cours"},
        lieu_accueil_nom="MECS Les Tilleuls", lieu_accueil_email="accueil@mecs.example.fr",
        **extra,
    )  # fmt: skip


def stored(
    record: YouthRecord, route: Route = ML, kind: str = "mission_locale", **extra: Any
) -> dict[str, Any]:
    view = snapshot.build(
        record, department=snapshot.department_view(DEPARTMENT),
        partner=snapshot.partner_view(route), kind=kind, commune_nom="Lille",
    )  # fmt: skip
    return {"referral_id": "ref_exemple", "snapshot": view.to_item(), **extra}


def partner_email(name: str, template: str, data: dict, out: Path) -> None:
    context = compose.partner_context(data, NOW, ack_url=LINK)
    if template in spaces.SPACE_TEMPLATES:
        context["space_url"] = SPACE
    attachments: tuple = ()
    if "ics" in data:
        attachments = (compose.invitation(data, context),)
    elif "invitation" in data:
        context["invitation_url"] = LINK.replace("EXEMPLE", "INVITATION")
        invite = {**context, "ack_url": context["invitation_url"]}
        attachments = (compose.invitation(data["invitation"], invite),)
    write(name, render.render_email(template, context, attachments), out)


def write(name: str, email: render.RenderedEmail, out: Path) -> None:
    text = f"Objet : {email.subject}\n\n{email.text}"
    (out / f"{name}.txt").write_text(text, encoding="utf-8")
    (out / f"{name}.html").write_text(email.html, encoding="utf-8")
    for attachment in email.attachments:
        header = f"Content-Type: {attachment.content_type}\n\n"
        (out / f"{name}.{attachment.filename}").write_bytes(header.encode() + attachment.data)


def partner_messages(out: Path) -> None:
    minor, adult = youth(date(2010, 5, 12)), youth(date(2007, 10, 21))
    interview = youth(date(2009, 12, 20), date_entretien="2026-12-15T14:30",
                      lieu_entretien="MDS Lille-Sud")  # fmt: skip
    event = {"date": "2026-12-15", "heure": "14:30", "lieu": "MDS Lille-Sud"}
    riding = {"referral_id": "ref_invitation", "ics": {"sequence": 0, "method": "REQUEST",
                                                       "event": event}}  # fmt: skip
    partner_email("ml_16_ans", "referral_mission_locale", stored(minor), out)
    partner_email("ml_majeur", "referral_mission_locale", stored(adult), out)
    partner_email("ml_avec_invitation", "referral_mission_locale",
                  stored(interview, invitation=riding), out)  # fmt: skip
    partner_email("hj", "referral_habitat_jeunes", stored(minor, HJ, "habitat_jeunes"), out)
    partner_email("relance", "reminder",
                  stored(minor, sent_on="2026-11-23", expires_on="2027-01-22"), out)  # fmt: skip
    ics = {"sequence": 1, "method": "REQUEST", "event": event}
    partner_email("invitation_modifiee", "entretien_invitation",
                  stored(interview, kind="entretien", ics=ics, is_update=True), out)  # fmt: skip
    cancel = {"sequence": 2, "method": "CANCEL", "event": event}
    partner_email("annulation", "entretien_cancel", stored(youth(date(2009, 12, 20)),
                  kind="entretien", ics=cancel), out)  # fmt: skip
    partner_email("lieu_accueil", "placement_info", stored(minor), out)
    sms = compose.partner_context(stored(minor), NOW, ack_url=LINK)
    (out / "sms_orientation.txt").write_text(render.render_sms("referral", sms), encoding="utf-8")
    return None


def exit_messages(out: Path) -> None:
    """A youth leaves the roster: the structure that accepted it, the one that never answered,
    the mission locale whose interview is cancelled (the CANCEL says why)."""
    record = youth(date(2009, 12, 20))
    accepted = referral(record, ML, "mission_locale", "acknowledged", answer=ADVISOR)
    silent = referral(record, HJ, "habitat_jeunes", "sent")
    for name, told in (("sortie_ml_acceptee", accepted), ("sortie_hj_sans_reponse", silent)):
        context = compose.template_context(exit_notice.notice_context(DEPARTMENT, [told]), NOW)
        write(name, render.render_email("exit_notice", context), out)
    sms = compose.template_context(exit_notice.notice_context(DEPARTMENT, [accepted]), NOW)
    write_text(out / "sms_sortie_partenaire.txt", render.render_sms("exit_notice", sms))
    event = {"date": "2026-12-15", "heure": "14:30", "lieu": "MDS Lille-Sud"}
    cancel = {"sequence": 2, "method": "CANCEL", "event": event}
    partner_email("annulation_sortie", "entretien_cancel", stored(record, kind="entretien",
                  ics=cancel, reason="youth_exited"), out)  # fmt: skip


ADVISOR = {"reponse": "accepte", "conseiller_nom": "Mme Dupont",
           "conseiller_telephone": "+33320112233", "date_rdv": "2026-12-08"}  # fmt: skip


def youth_messages(out: Path) -> None:
    """The youth told, by SMS (and its one update), by email when it has no mobile."""
    record = youth(date(2009, 12, 20), telephone="+33611223344", telephone_mobile=True,
                   email="ines.durand@example.fr", consentement=True)  # fmt: skip
    today = NOW.date()
    accepted = referral(record, ML, "mission_locale", "acknowledged", answer=ADVISOR)
    told = compose.template_context(youth_message.message_context(accepted, record, today), NOW)
    write_text(out / "sms_jeune_informe.txt", render.render_sms("youth_informed", told))
    moved = {**told, "update": True, "appointment": {"date": date(2026, 12, 15)}}
    write_text(out / "sms_jeune_rdv_modifie.txt", render.render_sms("youth_informed", moved))
    write("jeune_informe", render.render_email("youth_informed", told), out)
    housing = referral(record, HJ, "habitat_jeunes", "acknowledged", answer={"reponse": "accepte"})
    context = compose.template_context(youth_message.message_context(housing, record, today), NOW)
    write_text(out / "sms_jeune_informe_logement.txt", render.render_sms("youth_informed", context))


def referral(
    record: YouthRecord, route: Route, kind: str, status: str, **extra: Any
) -> StoredReferral:
    """A referral as the store keeps it (no I/O: the messages are built from it)."""
    return store_referrals.unsaved(
        f"ref_exemple_{kind}", department="59", id_externe=record.id_externe,
        youth_key=f"59#{record.id_externe}", kind=kind, partner_type=route.partner_type,
        partner_id=route.partner_id, channel="email", status=status,
        created_at="2026-11-16T09:00:00Z", sent_at="2026-11-16T09:00:00Z",
        snapshot=stored(record, route, kind)["snapshot"], **extra,
    )  # fmt: skip


def write_text(path: Path, text: str) -> None:
    path.write_text(text + "\n", encoding="utf-8")


def department_messages(out: Path) -> None:
    alerts = [_alert(kind, details) for kind, details in _alert_samples()]
    stored_digest = digest.context(DEPARTMENT, alerts, alerts[:1], date(2026, 11, 30))
    write("recapitulatif_alertes", render.render_email(
        "alert_digest", compose.template_context(stored_digest, NOW)), out)  # fmt: skip
    entries = [content.risk_entry(youth(date(2009, 3, 2)), date(2026, 11, 30))]
    risk = content.digest_context(snapshot.department_view(DEPARTMENT).to_item(), "Paul Martin",
                                  [e for e in entries if e], date(2026, 11, 30))  # fmt: skip
    write("parcours_hebdomadaire", render.render_email(
        "risk_digest", compose.template_context(risk, NOW)), out)  # fmt: skip
    escalation = {
        "department": snapshot.department_view(DEPARTMENT).to_item(),
        "youth": {"prenom": "Inès", "initiale": "D.", "majority_date": "2027-05-12",
                  "commune_code": "59350", "commune_nom": "Lille"},
        "id_externe": "59-0012", "partner": snapshot.partner_view(ML).to_item(),
        "kind": "mission_locale",
        "referral": {"kind": "mission_locale", "kind_label": "Orientation vers la mission locale",
                     "sent_on": "2026-11-16"},
        "console_url": links.alert_url("al_exemple"),
    }  # fmt: skip
    write("escalade_referent", render.render_email(
        "escalation", compose.template_context(escalation, NOW)), out)  # fmt: skip


CANDIDATES = [
    {"code": "ML59A", "nom": "Mission locale de Lille"},
    {"code": "ML59B", "nom": "Mission locale de Roubaix"},
]


def _alert_samples() -> list[tuple[AlertKind, dict]]:
    person = {
        "id_externe": "59-0012",
        "prenom": "Inès",
        "initiale": "D.",
        "majority_date": "2027-05-12",
        "commune_code": "59599",
        "commune_nom": "Tourcoing",
    }
    partner = {
        "id": "ML59A",
        "nom": "Mission locale de Lille",
        "email": ML.email,
        "telephone": ML.telephone,
    }
    answer = {"reponse": "refuse", "motif": "Hors territoire", "at": "2026-11-29T15:00:00Z"}
    referral = {"youth": person, "referral_kind": "mission_locale", "partner": partner,
                "sent_at": "2026-11-16T09:00:00Z"}  # fmt: skip
    return [
        (AlertKind.NO_PARTNER, {"youth": person, "referral_kind": "mission_locale",
                                "reason": "commune_partagee", "code_ml": None,
                                "candidates": CANDIDATES}),
        (AlertKind.REFUSED, {**referral, "answer": answer}),
        (AlertKind.REDIRECTED, {**referral, "answer": {**answer, "reponse": "non_competent"},
                                "rerouted_to": None}),
        (AlertKind.UNDELIVERABLE, {**referral, "channel": "email", "error_code": "bounce"}),
        (AlertKind.ESCALATED, referral),
        (AlertKind.ACCEPTED, {**referral, "answer": {**answer, "reponse": "accepte",
                              "conseiller_nom": "Mme Dupont", "motif": None,
                              "conseiller_telephone": "+33320112233", "date_rdv": "2026-12-08"}}),
    ]  # fmt: skip


def _alert(kind: AlertKind, details: dict) -> StoredAlert:
    return store_alerts.unsaved(
        "59", store_alerts.alert_id("59", kind, str(kind)), kind=kind.value, state="open",
        details=details, id_externe="59-0012", raised_at="2026-11-30T05:30:00Z",
        digest_due="2026-11-30T05:30:00Z",
    )  # fmt: skip


def pages(out: Path) -> None:
    context = compose.partner_context(
        stored(youth(date(2009, 12, 20)), sent_at="2026-11-30T09:00:00Z"), NOW, ack_url=LINK
    )
    context.update(form_action="", current_answer=None)
    (out / "page_reponse.html").write_text(render.render_page("ack", context), encoding="utf-8")
    answer = {"reponse": "accepte", "conseiller_nom": "Mme Dupont",
              "conseiller_telephone": "+33320112233", "date_rdv": "2026-12-08"}  # fmt: skip
    done = {**context, "answer": answer, "current_answer": answer}
    (out / "page_merci.html").write_text(render.render_page("ack_done", done), encoding="utf-8")


def space_pages(out: Path) -> None:
    """The partners' space: a mission locale's referrals of two departments, one accepted."""
    write_page = partial(_write_page, out)
    pas_de_calais = {**snapshot.department_view(DEPARTMENT).to_item(), "code": "62",
                     "name": "Pas-de-Calais",
                     "contact_email": "ase-orientation@pasdecalais.example.fr"}  # fmt: skip
    waiting = stored(youth(date(2009, 12, 20)), sent_at="2026-11-30T09:00:00Z")
    accepted = stored(replace(youth(date(2009, 2, 3)), prenom="Yanis", nom="Berger"),
                      sent_at="2026-11-16T09:00:00Z")  # fmt: skip
    accepted["snapshot"]["department"] = pas_de_calais
    answer = {"reponse": "accepte", "conseiller_nom": "Mme Dupont", "date_rdv": "2026-12-08",
              "conseiller_telephone": "+33320112233", "at": "2026-11-18T10:00:00Z"}  # fmt: skip
    entries = [
        _space_entry(waiting, None, "sent", 1),
        _space_entry(accepted, answer, "acknowledged", 2),
    ]
    context = {"partner_name": ML.nom, "valid_until": "2027-02-28", "space_url": SPACE,
               "csv_url": SPACE + "/orientations.csv", "groups": space_views.groups(entries),
               "shown": 2, "next_url": None, "first_url": None}  # fmt: skip
    write_page("page_espace_partenaire", "partner", context)
    expired = {
        "department": snapshot.department_view(DEPARTMENT).to_item(),
        "valid_until": "2026-11-28",
    }
    write_page("page_espace_expire", "partner_expired", expired)


def _space_entry(data: dict, answer: dict | None, status: str, number: int) -> dict:
    link = f"{SPACE}/orientations/ref_exemple{number}"
    context = compose.partner_context(data, NOW, ack_url=link)
    context.update(form_action=link, current_answer=answer)
    return space_views.listed(context, status=status, received=data["sent_at"], closed=False,
                              number=number)  # fmt: skip


def _write_page(out: Path, name: str, template: str, context: dict) -> None:
    (out / f"{name}.html").write_text(render.render_page(template, context), encoding="utf-8")


def main(folder: str = "artifacts/messages") -> int:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    partner_messages(out)
    exit_messages(out)
    youth_messages(out)
    department_messages(out)
    pages(out)
    space_pages(out)
    print(f"{len(list(out.iterdir()))} fichiers dans {out}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

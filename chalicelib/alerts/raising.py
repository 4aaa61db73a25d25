"""Where the workflows tell the department something: each call raises (or closes) one alert.

No email is sent from here: the department hears of every alert in its next daily digest and
sees the open ones in the console. Subjects make each alert once: a referral for the answer,
delivery and escalation alerts; (youth, kind) for ``no_partner``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from chalicelib.domain import scheduling
from chalicelib.domain.alert_details import (
    AlertDetails,
    Candidate,
    Delivery,
    NoPartner,
    PartnerMention,
    YouthMention,
)
from chalicelib.domain.alerts import CLOSED_PARTNER_ANSWERED, CLOSED_ROUTED, AlertKind
from chalicelib.domain.directory import CoverageEntry
from chalicelib.domain.enums import Kind, ReferralStatus
from chalicelib.domain.routing import (
    PARTENAIRE_EXCLU,
    DirectoryView,
    NoRoute,
    city_of_arrondissement,
)
from chalicelib.domain.snapshot import Snapshot
from chalicelib.domain.stored import StoredReferral
from chalicelib.domain.youth import YouthRecord, initial, majority_date
from chalicelib.store import alerts as store

SYSTEM = "relais"
ANSWER_ALERTS = {
    ReferralStatus.ACKNOWLEDGED: AlertKind.ACCEPTED,
    ReferralStatus.DECLINED: AlertKind.REFUSED,
    ReferralStatus.REDIRECTED: AlertKind.REDIRECTED,
}


def no_partner_subject(id_externe: str, kind: str) -> str:
    return f"{id_externe}|{kind}"


def youth_alert_ids(code: str, id_externe: str, referral_ids: Iterable[str]) -> list[str]:
    """Every alert that can name the youth: ``no_partner`` per kind, the others per referral."""
    found = [
        store.alert_id(code, AlertKind.NO_PARTNER, no_partner_subject(id_externe, kind))
        for kind in Kind
    ]
    for referral_id in referral_ids:
        found += [store.alert_id(code, kind, referral_id) for kind in AlertKind]
    return found


def follow_youth(
    code: str, id_externe: str, referral_ids: Iterable[str], expires_at: datetime
) -> list[str]:
    """The youth's alerts expire with it (its exit shortens its retention); so do the daily
    digests that listed them. Returns those digests' message ids."""
    found = store.follow_youth(code, youth_alert_ids(code, id_externe, referral_ids), expires_at)
    return sorted({alert.digest_id for alert in found if alert.digest_id})


def no_partner(
    department: str,
    record: YouthRecord,
    kind: str,
    route: NoRoute,
    now: datetime,
    directory: DirectoryView,
    *,
    expires_at: datetime | None = None,
) -> bool:
    """No competent partner for a due referral (the alert expires with the youth). After a
    ``non_competent`` answer the ``redirected`` alert already says it (with the partner's
    answer): no second line."""
    if route.reason == PARTENAIRE_EXCLU:
        return False
    entry = coverage_of(record.code_commune, directory)
    youth = YouthMention(
        id_externe=record.id_externe,
        prenom=record.prenom,
        initiale=initial(record.nom),
        majority_date=majority_date(record.date_naissance).isoformat(),
        commune_code=record.code_commune,
        commune_nom=entry.nom_commune if entry else directory.commune_name(record.code_commune),
    )
    found = candidates(entry, directory, route.candidates) if kind != Kind.HABITAT_JEUNES else ()
    details = AlertDetails(
        youth=youth,
        referral_kind=kind,
        route=NoPartner(route.reason, record.code_ml or None, found),
    )
    return store.raise_alert(
        department,
        AlertKind.NO_PARTNER,
        no_partner_subject(record.id_externe, kind),
        now,
        details=details,
        fingerprint=f"{route.reason}|{scheduling.routing_inputs(record, Kind(kind))}",
        id_externe=record.id_externe,
        expires_at=expires_at,
    )


def routed(department: str, id_externe: str, kind: str, now: datetime) -> bool:
    """A youth once without partner now has one: its ``no_partner`` alert has nothing left."""
    subject = no_partner_subject(id_externe, kind)
    return store.close_subject(
        department, AlertKind.NO_PARTNER, subject, now, by=SYSTEM, action=CLOSED_ROUTED
    )


def coverage_of(code_commune: str, directory: DirectoryView) -> CoverageEntry | None:
    entry = directory.coverage(code_commune)
    city = city_of_arrondissement(code_commune)
    if entry is None and city is not None:
        entry = directory.coverage(city)
    return entry


def candidates(
    entry: CoverageEntry | None, directory: DirectoryView, codes: tuple[str, ...] = ()
) -> tuple[Candidate, ...]:
    """The missions locales the coverage names for the commune (or, for Paris, Lyon or Marseille
    given as a whole, those of its arrondissements: the route's ``codes``), with their names."""
    if not codes and entry is None:
        return ()
    found = []
    for code in dict.fromkeys(codes or entry.code_mls):  # type: ignore[union-attr]
        mission_locale = directory.mission_locale(code)
        found.append(Candidate(code, mission_locale.nom if mission_locale else None))
    return tuple(found)


def answered(referral: StoredReferral, now: datetime, *, rerouted_to: str | None = None) -> bool:
    """A partner answered: the answer goes to the digest (``accepted`` as a summary line); an
    escalation waiting for that answer, and an earlier answer's alert, have nothing left."""
    kind = ANSWER_ALERTS.get(ReferralStatus(referral.status))
    if kind is None:
        return False
    answer = referral.current_answer()
    details = replace(
        _referral_details(referral, referral.snapshot_view()),
        answer=answer,
        rerouted_to=rerouted_to,
    )
    for other in (AlertKind.ESCALATED, *ANSWER_ALERTS.values()):
        if other is not kind:
            store.close_subject(
                referral.department,
                other,
                referral.referral_id,
                now,
                by=SYSTEM,
                action=CLOSED_PARTNER_ANSWERED,
            )
    fingerprint = (answer.at if answer is not None else None) or ""
    return _raise_for_referral(referral, kind, now, details, fingerprint=fingerprint)


def delivery_failed(
    department: str,
    referral_id: str,
    snapshot: Snapshot,
    kind: AlertKind,
    now: datetime,
    *,
    channel: str,
    code: str,
    message_id: str,
    expires_at: datetime | None = None,
) -> bool:
    """A message to a partner will not be delivered (``undeliverable`` or ``failed``); the
    alert expires with the youth (``expires_at``: the message's, which follows the youth's)."""
    details = replace(
        _details(snapshot.kind or "", snapshot, None), delivery=Delivery(channel, code)
    )
    return store.raise_alert(
        department,
        kind,
        referral_id,
        now,
        details=details,
        fingerprint=message_id,
        id_externe=snapshot.youth.id_externe if snapshot.youth is not None else None,
        referral_id=referral_id,
        expires_at=expires_at,
    )


def escalated(referral: StoredReferral, now: datetime) -> bool:
    details = _referral_details(referral, referral.snapshot_view())
    return _raise_for_referral(referral, AlertKind.ESCALATED, now, details)


def escalation_alert_id(referral: StoredReferral) -> str:
    return store.alert_id(referral.department, AlertKind.ESCALATED, referral.referral_id)


def _referral_details(referral: StoredReferral, snapshot: Snapshot) -> AlertDetails:
    return _details(referral.kind, snapshot, referral.sent_at)


def _details(referral_kind: str, snapshot: Snapshot, sent_at: str | None) -> AlertDetails:
    return AlertDetails(
        youth=YouthMention.of_youth(snapshot.youth),
        referral_kind=referral_kind,
        partner=PartnerMention.of_partner(snapshot.partner),
        sent_at=sent_at,
    )


def _raise_for_referral(
    referral: StoredReferral,
    kind: AlertKind,
    now: datetime,
    details: AlertDetails,
    *,
    fingerprint: str = "",
) -> bool:
    return store.raise_alert(
        referral.department,
        kind,
        referral.referral_id,
        now,
        details=details,
        fingerprint=fingerprint,
        id_externe=referral.id_externe,
        referral_id=referral.referral_id,
        expires_at=referral.expires_at,
    )

"""One youth's whole file, read once for the console's youth page and the API's youth detail:
the youth, its referrals, the messages sent about it and its alerts, with its line of the list
(``youth_view.row``).

The messages concerning a youth are found through the messages' ``youth-index`` and read with
BatchGetItem; its alerts have derived ids (one BatchGetItem): never a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.alerts.raising import no_partner_subject
from chalicelib.domain import ids
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.labels import KIND_LABELS
from chalicelib.domain.youth import initial
from chalicelib.reporting import views
from chalicelib.reporting.youth_view import YouthRow, plain, row
from chalicelib.reporting.youths import get_live
from chalicelib.store import alerts as alert_store
from chalicelib.store import listing
from chalicelib.store import messages as message_store
from chalicelib.store import referrals as referral_store


@dataclass(frozen=True)
class YouthFile:
    youth: Any
    referrals: list[Any]
    messages: list[Any]
    alerts: list[Any]
    line: YouthRow


def alerts_of(code: str, id_externe: str, referrals: list[Any]) -> list[Any]:
    """The youth's alerts, open or closed (their ids are derived: one BatchGetItem)."""
    wanted = [
        alert_store.alert_id(code, AlertKind.NO_PARTNER, no_partner_subject(id_externe, kind))
        for kind in KIND_LABELS
    ]
    wanted += [
        alert_store.alert_id(code, kind, referral.referral_id)
        for referral in referrals
        for kind in AlertKind
        if kind is not AlertKind.NO_PARTNER
    ]
    return alert_store.get_many(code, wanted)


def youth_file(code: str, id_externe: str, now: datetime, *, messages: bool = True) -> YouthFile:
    """The live youth (404 otherwise) and what concerns it."""
    youth = get_live(code, id_externe, now)
    referrals = referral_store.live_of_youth(code, id_externe, now)
    return YouthFile(
        youth=youth,
        referrals=referrals,
        messages=(
            message_store.live_of_youth(ids.youth_key(code, id_externe), now) if messages else []
        ),
        alerts=alerts_of(code, id_externe, referrals) if messages else [],
        line=row(youth, referrals),
    )


def youth_detail(code: str, id_externe: str, now: datetime) -> dict[str, Any]:
    """The API's youth: every field of its file, its referrals, and what needs the department
    (``situation``: the same flags as the console's list)."""
    found = youth_file(code, id_externe, now, messages=False)
    return {
        **views.youth_detail(found.youth, found.referrals),
        "situation": sorted(found.line.flags),
    }


def names_of(code: str, file_numbers: list[str]) -> list[dict[str, str]]:
    """How the console names youths in a list (an import's exits): file number, first name,
    last name's initial; a youth erased since keeps its file number only."""
    found = listing.youths(code, file_numbers)
    named = []
    for file_number in file_numbers:
        record = plain(found[file_number].record) if file_number in found else {}
        named.append(
            {
                "id_externe": file_number,
                "prenom": str((record or {}).get("prenom") or ""),
                "initiale": initial(str((record or {}).get("nom") or "")),
            }
        )
    return named

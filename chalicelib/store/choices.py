"""The department's routing decisions taken in the console, as conditional writes on the youth.

``scheduled["chosen"][kind]`` stands in for the roster's ``code_ml`` (the scan reads it);
``scheduled["refusal_seen"][kind]`` records that a refusal was seen and kept.
"""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.store.models import Youth


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def choose_partner(
    youth: Youth, kind: str, partner_id: str, *, refused: str | None, due_at: str
) -> bool:
    """The department chose ``partner_id`` for ``kind`` (a shared or unknown commune, or after a
    refusal by ``refused``): the choice stands in for the roster's ``code_ml``, the youth is due
    again. False when the roster changed the youth meanwhile (the agent reloads and decides)."""
    scheduled = youth.scheduled.as_dict() if youth.scheduled else {}
    scheduled.setdefault("chosen", {})[kind] = partner_id
    (scheduled.get("blocked") or {}).pop(kind, None)
    if refused:
        excluded = scheduled.setdefault("excluded", {})
        excluded[kind] = sorted({*excluded.get(kind, []), refused})
        if (scheduled.get(kind) or {}).get("partner_id") == refused:
            scheduled.pop(kind)
    try:
        youth.update(
            actions=[Youth.scheduled.set(scheduled), Youth.due_at.set(due_at)],
            condition=(Youth.fingerprint == youth.fingerprint) & (Youth.status == "active"),
        )
    except UpdateError as error:
        if _condition_failed(error):
            return False
        raise
    return True


def keep_refusal(youth: Youth, kind: str, referral_id: str) -> bool:
    """The department saw the refusal and keeps things as they are: no longer "à réorienter"."""
    scheduled = youth.scheduled.as_dict() if youth.scheduled else {}
    scheduled.setdefault("refusal_seen", {})[kind] = referral_id
    try:
        youth.update(
            actions=[Youth.scheduled.set(scheduled)],
            condition=Youth.fingerprint == youth.fingerprint,
        )
    except UpdateError as error:
        if _condition_failed(error):
            return False
        raise
    return True

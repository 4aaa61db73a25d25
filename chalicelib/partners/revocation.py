"""An operator revokes a structure's space link (SPEC §4c), e.g. when a link was forwarded by
mistake: the link stops working at once; the structure's next referral email brings a new one."""

from __future__ import annotations

from chalicelib.domain import ids
from chalicelib.domain.enums import PartnerType
from chalicelib.errors import NotFoundError
from chalicelib.store import audit
from chalicelib.store import partners as partner_store


def revoke(code: str, *, partner_type: str | None, actor: str) -> dict[str, object]:
    """Revoke the space of the structure ``code`` (a ``code_ml`` or a habitat-jeunes ``id``;
    both types when ``partner_type`` is not given). Recorded in the audit."""
    types = [partner_type] if partner_type else [kind.value for kind in PartnerType]
    revoked = [
        key
        for key in (ids.partner_key(kind, code.strip()) for kind in types)
        if partner_store.revoke(key)
    ]
    if not revoked:
        raise NotFoundError(f"aucun espace partenaire actif pour « {code.strip()} »")
    for key in revoked:
        audit.record(audit.OPERATORS_SCOPE, "partner_space_revoked", actor, subject=key)
    return {"revoked": revoked}

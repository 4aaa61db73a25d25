"""Directory loads (operator): parse strictly, then replace the directory version atomically."""

from __future__ import annotations

from chalicelib import audit
from chalicelib.directory import parsing, rerouting, store
from chalicelib.errors import UnprocessableError
from chalicelib.store.base import utcnow

LOADERS = {
    "missions-locales": ("ml", store.ml_items),
    "coverage": ("coverage", store.coverage_items),
    "habitat-jeunes": ("hj", store.hj_items),
}


def load(name: str, data: bytes, *, actor: str) -> dict:
    """Load one directory file. Any rejected row → 422 with the report, nothing changed."""
    kind, to_items = LOADERS[name]
    if kind == "ml":
        parsed = parsing.parse_missions_locales(data)
    elif kind == "coverage":
        parsed = parsing.parse_coverage(data, store.DirectorySnapshot().known_ml_codes() or None)
    else:
        parsed = parsing.parse_habitat_jeunes(data)
    report = {
        "rows": parsed.rows,
        "loaded": 0,
        "applied": False,
        "rejected": [error.as_dict() for error in parsed.rejected],
        "warnings": list(parsed.warnings),
    }
    if parsed.rejected:
        raise UnprocessableError(
            f"{len({e.row for e in parsed.rejected})} ligne(s) rejetée(s) : rien n'a été chargé.",
            details=report,
        )
    version = store.new_version()
    store.write_version(kind, version, to_items(version, parsed.items))
    report["loaded"] = len(parsed.items)
    stale = store.flip(kind, version)
    if stale:
        store.delete_version(kind, stale)
    report.update(applied=True, version=version)
    report["rerouting"] = rerouting.after_load(utcnow())
    audit.record(
        audit.OPERATORS_SCOPE,
        f"directory_{kind}_loaded",
        actor,
        counts={"rows": parsed.rows, "loaded": report["loaded"]},
    )
    return report

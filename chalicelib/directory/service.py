"""Directory loads (operator): parse strictly, then replace the directory version atomically.
The communes base (La Poste's postal codes, SPEC §5.4) is loaded and versioned the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from chalicelib.directory import parsing, postal_base, rerouting
from chalicelib.domain.clock import utcnow
from chalicelib.errors import UnprocessableError
from chalicelib.store import audit
from chalicelib.store import directory as directory_store

ItemsOf = Callable[[str, Any], Iterable[tuple[str, str, dict[str, Any]]]]
LOADERS: dict[str, tuple[str, ItemsOf]] = {
    "missions-locales": ("ml", directory_store.ml_items),
    "coverage": ("coverage", directory_store.coverage_items),
    "habitat-jeunes": ("hj", directory_store.hj_items),
    "communes": ("communes", directory_store.communes_items),
}


def load(name: str, data: bytes, *, actor: str) -> dict:
    """Load one directory file. Any rejected row → 422 with the report, nothing changed."""
    kind, to_items = LOADERS[name]
    parsed = _parse(kind, data)
    report: dict[str, Any] = {
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
    version = directory_store.new_version()
    directory_store.write_version(kind, version, to_items(version, parsed.items))
    report["loaded"] = len(parsed.items)
    stale = directory_store.flip(kind, version)
    if stale:
        directory_store.delete_version(kind, stale)
    report.update(applied=True, version=version)
    if kind != "communes":  # the communes base names places; it routes no one
        report["rerouting"] = rerouting.after_load(utcnow())
    audit.record(
        audit.OPERATORS_SCOPE,
        f"directory_{kind}_loaded",
        actor,
        counts={"rows": parsed.rows, "loaded": report["loaded"]},
    )
    return report


def _parse(kind: str, data: bytes) -> parsing.DirectoryParse[Any]:
    if kind == "ml":
        return parsing.parse_missions_locales(data)
    if kind == "coverage":
        known = directory_store.DirectorySnapshot().known_ml_codes()
        return parsing.parse_coverage(data, known or None)
    if kind == "communes":
        return postal_base.parse_postal_base(data)
    return parsing.parse_habitat_jeunes(data)

"""A roster row's commune given by name (and postal code) instead of its INSEE code (SPEC §5.1).
Pure: the department's communes come from a function called once, on the first such row.

Resolved within the department through La Poste's base (``inputs.communes``). A name that matches
no commune or several never rejects the row: the youth is kept without a commune (``""``), so
routing finds no mission locale and the department chooses it in the console; the row's warning
says what the file said and, for several communes, which ones. Resolutions are counted per
distinct (name, postal code) and shown once in the report (which INSEE code, from what), not on
every row: a department writing every commune by name would otherwise get one line per youth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.inputs import cells
from chalicelib.inputs.communes import CommuneIndex, Resolution
from chalicelib.tabular import cell_text

NAME_COLUMN, POSTAL_COLUMN = "commune", "code_postal"
_MEMO = 20_000  # distinct (name, postal code) pairs remembered: a department has ~1,000 communes
_SHOWN = 20
_NAME_CHARS = 80


@dataclass
class CommuneNames:
    """Reads ``commune`` + ``code_postal`` for a row; remembers what was resolved, and how."""

    source: Callable[[], CommuneIndex] | None
    index: CommuneIndex | None = None
    memo: dict[tuple[str, str], Resolution] = field(default_factory=dict)
    resolved: dict[tuple[str, str], int] = field(default_factory=dict)  # (INSEE, how) → rows

    def read(self, fields: cells.RowFields) -> str | None:
        """The INSEE code; ``""`` when the commune could not be told (warning); None (and the
        ``required`` error) when neither a name nor a postal code is given."""
        name = " ".join(cell_text(fields.raw(NAME_COLUMN)).split())[:_NAME_CHARS]
        postal = " ".join(cell_text(fields.raw(POSTAL_COLUMN)).split())[:_NAME_CHARS]
        if not name and not postal:
            fields.add(
                NAME_COLUMN,
                "required",
                "Valeur obligatoire manquante : la commune de résidence (son nom, avec si "
                "possible le code postal, ou son code INSEE).",
            )
            return None
        found = self._resolve(name, postal)
        if found.insee is not None:
            key = (found.insee, found.how)
            self.resolved[key] = self.resolved.get(key, 0) + 1
            return found.insee
        fields.warnings.append(_unresolved(name, postal, found))
        return ""

    def _resolve(self, name: str, postal: str) -> Resolution:
        key = (name.casefold(), postal)
        found = self.memo.get(key)
        if found is None:
            if self.index is None:
                self.index = self.source() if self.source is not None else CommuneIndex()
            found = self.index.resolve(name, postal)
            if len(self.memo) < _MEMO:
                self.memo[key] = found
        return found

    def summary(self) -> str | None:
        """The report's line saying how names were resolved (None when no row gave one)."""
        if not self.resolved:
            return None
        ordered = sorted(self.resolved.items(), key=lambda item: -item[1])
        shown = " ; ".join(
            f"{insee} ({how}, {rows} ligne(s))" for (insee, how), rows in ordered[:_SHOWN]
        )
        more = " …" if len(ordered) > _SHOWN else ""
        total = sum(self.resolved.values())
        return (
            f"{total} ligne(s) donnent la commune par son nom ou son code postal, lue(s) dans la "
            f"base officielle des codes postaux : code INSEE {shown}{more}."
        )


def _unresolved(name: str, postal: str, found: Resolution) -> tuple[str, str, str]:
    written = f"« {name} »" if name else "(sans nom)"
    written += f", code postal {postal}" if postal else ""
    keep = (
        " Le jeune est enregistré sans commune : choisissez sa mission locale dans la console "
        "(page du jeune), ou indiquez le code INSEE dans le prochain fichier."
    )
    if found.candidates:
        listed = ", ".join(f"{insee} ({name})" for insee, name in found.candidates[:10])
        more = " …" if len(found.candidates) > 10 else ""
        return (
            NAME_COLUMN,
            "commune_ambiguous",
            f"Commune {written} : plusieurs communes du département possibles "
            f"({listed}{more}).{keep}",
        )
    return (
        NAME_COLUMN,
        "commune_unknown",
        f"Commune {written} introuvable dans le département (base officielle des codes "
        f"postaux).{keep}",
    )

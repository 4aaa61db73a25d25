"""What one valid roster row becomes, and what a rejected one says. Pure data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

MAX_ID = 64  # longest id_externe accepted

PATHWAY_PARTS = ("ressources", "logement", "emploi", "sante", "droits", "accompagnement")
PATHWAY_STATES = ("securise", "en_cours", "a_traiter")


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. ``row`` is the number the spreadsheet shows (header = 1)."""

    row: int
    id_externe: str | None
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RowWarning:
    """Something kept despite a problem: a bad optional value dropped (the row is kept), or a
    remark on the file as a whole (``row`` and ``column`` None)."""

    row: int | None
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class YouthRecord:
    """A validated, normalised roster row."""

    id_externe: str
    nom: str
    prenom: str
    date_naissance: date
    code_commune: str
    referent_email: str
    referent_nom: str | None = None
    referent_telephone: str | None = None  # E.164
    telephone: str | None = None  # E.164
    telephone_mobile: bool = False  # SMS-able
    email: str | None = None
    consentement: bool = False
    besoin_logement: bool = False
    date_entretien: str | None = None  # "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (department local time)
    lieu_entretien: str | None = None
    code_ml: str | None = None
    parcours: dict[str, str] = field(default_factory=dict)  # part -> state; absent part = unknown
    lieu_accueil_nom: str | None = None
    lieu_accueil_email: str | None = None

    def as_attributes(self) -> dict:
        """The record as plain JSON-able values (dates as ISO strings)."""
        data = asdict(self)
        data["date_naissance"] = self.date_naissance.isoformat()
        return data

    def fingerprint(self) -> str:
        """Stable hash of every field: equal fingerprints mean nothing to write."""
        canonical = json.dumps(self.as_attributes(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]

    @classmethod
    def from_attributes(cls, data: dict) -> YouthRecord:
        values = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        values["date_naissance"] = date.fromisoformat(str(values["date_naissance"]))
        values["parcours"] = dict(values.get("parcours") or {})
        for flag in ("telephone_mobile", "consentement", "besoin_logement"):
            values[flag] = bool(values.get(flag))
        return cls(**values)

"""A youth as the roster describes it, and the rules of age that follow from its birth date. Pure.

Ages (SPEC §5.1): majority is the 18th birthday; born on 29 February, one comes of age on 1 March
in a common year. Relais follows youths until their 21st birthday.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol

from chalicelib.domain.enums import PathwayState

MAX_ID = 64  # longest id_externe accepted

# The six needs of R222-6 CASF, in the order every page and report shows them.
PATHWAY_PARTS = ("ressources", "logement", "emploi", "sante", "droits", "accompagnement")
PATHWAY_STATES = tuple(state.value for state in PathwayState)
NOT_SECURED = (PathwayState.A_TRAITER, PathwayState.EN_COURS)
UNKNOWN_STATE = "inconnu"
FOLLOWED_UNTIL_AGE = 21


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. ``row`` is the number the spreadsheet shows (header = 1)."""

    row: int
    id_externe: str | None
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RowWarning:
    """Something kept despite a problem: a bad optional value dropped (the row is kept), or a
    remark on the file as a whole (``row`` and ``column`` None)."""

    row: int | None
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
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
    informer_jeune: bool = True  # the youth may be told of an accepted referral (SPEC §6)

    def as_attributes(self) -> dict[str, Any]:
        """The record as plain JSON-able values (dates as ISO strings). ``informer_jeune`` is
        kept only when it says no: records stored before it existed keep their fingerprint."""
        data = asdict(self)
        data["date_naissance"] = self.date_naissance.isoformat()
        if self.informer_jeune:
            del data["informer_jeune"]
        return data

    def fingerprint(self) -> str:
        """Stable hash of every field: equal fingerprints mean nothing to write."""
        canonical = json.dumps(self.as_attributes(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]

    @classmethod
    def from_attributes(cls, data: Mapping[str, Any]) -> YouthRecord:
        values: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__ if k in data}
        values["date_naissance"] = date.fromisoformat(str(values["date_naissance"]))
        values["parcours"] = dict(values.get("parcours") or {})
        for flag in ("telephone_mobile", "consentement", "besoin_logement"):
            values[flag] = bool(values.get(flag))
        values["informer_jeune"] = values.get("informer_jeune") is not False
        return cls(**values)

    @property
    def majority_date(self) -> date:
        return majority_date(self.date_naissance)

    @property
    def shared_phone(self) -> str | None:
        """The youth's own phone, as partners may see it: only with consent."""
        return self.telephone if self.consentement else None

    @property
    def shared_email(self) -> str | None:
        return self.email if self.consentement else None


def birthday(birth: date, years: int) -> date:
    """The ``years``-th birthday; 29 February falls on 1 March in a common year."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def majority_date(birth: date) -> date:
    return birthday(birth, 18)


def age_on(birth: date, day: date) -> int:
    """Whole years; born on 29 February, one is a year older on 1 March in a common year."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_scope(birth: date, today: date) -> bool:
    """Relais follows youths until their 21st birthday."""
    return today < birthday(birth, FOLLOWED_UNTIL_AGE)


class HousingFacts(Protocol):
    @property
    def besoin_logement(self) -> bool: ...

    @property
    def parcours(self) -> Mapping[str, str]: ...


def housing_needed(youth: HousingFacts) -> bool:
    """The pathway's housing part decides when known; else the roster's ``besoin_logement``."""
    state = youth.parcours.get("logement")
    if state is not None:
        return state == PathwayState.A_TRAITER
    return youth.besoin_logement


def parts_not_secured(parcours: Mapping[str, str]) -> list[str]:
    return [part for part in PATHWAY_PARTS if parcours.get(part) in NOT_SECURED]


def risk_parts(parcours: Mapping[str, str]) -> list[str]:
    """The pathway parts still to handle (``a_traiter``), in the order of ``PATHWAY_PARTS``."""
    return [part for part in PATHWAY_PARTS if parcours.get(part) == PathwayState.A_TRAITER]


def initial(name: str | None) -> str:
    """First letter of a name, upper-cased, followed by a dot: ``dupont`` → ``D.``."""
    letter = next((c for c in (name or "").strip() if c.isalpha()), "")
    return f"{letter.upper()}." if letter else ""

"""A commune named as exports write it → its INSEE code, through La Poste's postal code base
(SPEC §5.1 ``commune`` + ``code_postal``, §5.4). Pure.

La Poste writes names in capitals without accents, hyphens or apostrophes (``L ABERGEMENT
CLEMENCIAT``, ``ST DENIS``, ``STE MARIE``, ``PARIS 15``); departments write ``L'Abergement-
Clémenciat``, ``Saint-Denis``, ``Paris 15e``, ``Mans (Le)``. Both become one key: accents, case and
punctuation dropped, ``ST``/``STE`` spelt out, a leading or bracketed article (``L``, ``LE``,
``LA``, ``LES``) dropped, ordinals (``1er``, ``15e``, ``15ème``) and ``CEDEX`` (with its number)
dropped. A name is looked for among the communes' names, then La Poste's routing labels
(``Libellé_d_acheminement``: ``PARIS`` for every arrondissement), then ``Ligne_5`` (a former
commune of a commune nouvelle, or a locality): the first that knows it decides. A postal code
narrows the candidates when it can (a CEDEX code, absent from the base, cannot).

The outcome says how the commune was found (for the report) or why not (unknown, ambiguous, with
the candidates), never choosing between candidates by itself, except that the arrondissements of
one city given without their postal code are that city (``75056``: routing decides, SPEC §5.2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from chalicelib.domain.directory import PostalRow
from chalicelib.domain.routing import city_of_arrondissement

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_ARTICLES = {"L", "LE", "LA", "LES"}
_SAINTS = {"ST": "SAINT", "STE": "SAINTE", "STES": "SAINTES", "STS": "SAINTS"}
_DROPPED = {"CEDEX", "ARRONDISSEMENT", "ARR", "ARRT"}
_ORDINAL = re.compile(r"^0*(\d+)(?:ER|E|EME|IEME|ME)?$")
_BRACKETED_ARTICLE = re.compile(r"\((L'?|LE|LA|LES)\)", re.IGNORECASE)


def name_key(text: str) -> str:
    """``"Mans (Le)"``, ``"LE MANS"``, ``"le-Mans"`` → ``"MANS"``; ``"Paris 15ème"`` →
    ``"PARIS 15"``; ``"ST-DENIS CEDEX 1"`` → ``"SAINT DENIS"``."""
    text = _BRACKETED_ARTICLE.sub(" ", text).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text).upper()
    plain = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    words: list[str] = []
    previous = ""
    for word in plain.split():
        after_cedex, previous = previous == "CEDEX", word
        if word in _DROPPED or (after_cedex and word.isdigit()):
            continue
        ordinal = _ORDINAL.match(word)
        words.append(ordinal.group(1).lstrip("0") or "0" if ordinal else _SAINTS.get(word, word))
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    return " ".join(words)


def postal_key(text: str) -> str:
    """``"59 000"``, ``"59000.0"``, ``"1000"`` (Excel lost the zero) → ``"59000"``,
    ``"01000"``; ``""`` when it is no postal code."""
    digits = "".join(text.split())
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits.isdigit() and len(digits) == 4:
        digits = "0" + digits
    return digits if digits.isdigit() and len(digits) == 5 else ""


@dataclass(frozen=True)
class Resolution:
    """``insee`` when found; ``how`` says from what (French, for the report); otherwise
    ``candidates`` (INSEE, name) when several communes match, none when none does."""

    insee: str | None
    how: str
    candidates: tuple[tuple[str, str], ...] = ()


@dataclass
class CommuneIndex:
    """The communes of one department (or of several), indexed by name key and postal code."""

    names: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, set[str]] = field(default_factory=dict)
    lines5: dict[str, set[str]] = field(default_factory=dict)
    postals: dict[str, set[str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)  # INSEE → La Poste's name

    @classmethod
    def of(cls, rows: Iterable[PostalRow]) -> CommuneIndex:
        index = cls()
        for row in rows:
            index.names.setdefault(name_key(row.name), set()).add(row.insee)
            index.labels.setdefault(name_key(row.label), set()).add(row.insee)
            if row.line5:
                index.lines5.setdefault(name_key(row.line5), set()).add(row.insee)
            index.postals.setdefault(row.postal, set()).add(row.insee)
            index.display.setdefault(row.insee, row.name)
        return index

    def __bool__(self) -> bool:
        return bool(self.display)

    def resolve(self, name: str, postal: str) -> Resolution:
        """The commune a name (and postal code, either may be empty) designates."""
        key, code = name_key(name), postal_key(postal)
        of_postal = self.postals.get(code, set())
        if not key:
            return self._decide(of_postal, f"code postal {code}")
        for found, source in (
            (self.names.get(key), "nom"),
            (self.labels.get(key), "libellé d'acheminement"),
            (self.lines5.get(key), "ancienne commune ou lieu-dit"),
        ):
            if found:
                narrowed = found & of_postal
                if narrowed:
                    return self._decide(narrowed, f"{source} « {name} » et code postal {code}")
                return self._decide(found, f"{source} « {name} »")
        if len(of_postal) == 1:
            return self._decide(of_postal, f"code postal {code} (nom « {name} » inconnu)")
        return Resolution(None, "", self._named(of_postal))

    def _decide(self, found: set[str], how: str) -> Resolution:
        if len(found) == 1:
            return Resolution(next(iter(found)), how)
        city = _one_city(found)
        if city is not None:
            return Resolution(city, how)
        return Resolution(None, how, self._named(found))

    def _named(self, found: set[str]) -> tuple[tuple[str, str], ...]:
        return tuple((insee, self.display.get(insee, "")) for insee in sorted(found))

    def name_of(self, insee: str) -> str | None:
        return self.display.get(insee)


def _one_city(found: set[str]) -> str | None:
    """The city's own code when every candidate is an arrondissement of Paris, Lyon or Marseille
    (``PARIS`` without a postal code): routing knows what to do with it (SPEC §5.2)."""
    cities = {city_of_arrondissement(insee) for insee in found}
    return cities.pop() if len(cities) == 1 else None

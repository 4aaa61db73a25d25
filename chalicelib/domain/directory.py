"""Entries of the partner directory, as parsers produce them and routing reads them. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class MissionLocale:
    code_ml: str
    nom: str
    email: str | None
    telephone: str | None = None  # E.164
    telephone_mobile: bool = False
    canal: str = "email"  # "email" | "sms"


@dataclass(frozen=True)
class CoverageEntry:
    """One commune of the UNML coverage file. ``code_mls`` has several codes when shared."""

    insee: str
    nom_commune: str
    code_mls: tuple[str, ...]
    shared: bool = False
    # postal codes known to mean this commune (from the missions locales' addresses)
    postal_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HabitatJeunes:
    id: str
    nom: str
    email: str | None
    departement: str
    telephone: str | None = None
    telephone_mobile: bool = False
    canal: str = "email"
    communes: frozenset[str] = field(default_factory=frozenset)  # empty = whole department


class PostalRow(NamedTuple):
    """One line of La Poste's postal code base (SPEC §5.4): a commune, one of its postal codes,
    and a locality or former commune (``line5``) served under that code."""

    insee: str
    name: str  # Nom_commune / Nom_de_la_commune, as La Poste writes it (capitals, no accents)
    postal: str
    line5: str  # Ligne_5 ("" if none)
    label: str  # Libellé_d_acheminement

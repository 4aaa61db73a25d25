"""Directory files → entries (SPEC §5.2, §5.3). Pure; strict, row-by-row ``RowError``s.

Same file rules as the roster (``tabular.read_table``). The ``id_externe`` field of each
``RowError`` carries the row's key: the ML code, the residence id, or the INSEE code.

Contacts (missions locales, habitat jeunes): ``canal`` is ``email`` (default) or ``sms``; ``email``
requires an address, ``sms`` a mobile number. A key on several rows rejects them all.

Coverage: rows are grouped by INSEE code. A commune given to several missions locales must carry
``Oui`` in « Commune présente sur plusieurs ML » on every one of its rows, else all its rows are
rejected (``shared_without_flag``). ``CoverageEntry.shared`` is true when the commune has several
missions locales; a commune flagged ``Oui`` with a single one in the file is routed to it (warning).
Identical (commune, ML) rows are merged (warning). Rows of communes outside the 101 departments
(Saint-Pierre-et-Miquelon 975, Saint-Barthélemy 977, Saint-Martin 978, 98x) are skipped with one
warning per territory, never rejected; ``Code ML`` is any code UNML uses (Mayotte's is ``97600``).
The missions locales' own addresses (``Code Postal ML``, ``Ville ML``) feed the postal-code
suggestions (``roster.postal``).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Generic, TypeVar

from chalicelib.domain import geo
from chalicelib.domain.directory import CoverageEntry, HabitatJeunes, MissionLocale
from chalicelib.domain.youth import RowError
from chalicelib.headers import header_test
from chalicelib.inputs import cells, collect, postal
from chalicelib.tabular import cell_text, map_columns, read_table

T = TypeVar("T")

EMAIL_SYNONYMS = ("courriel", "e-mail", "mail", "adresse e-mail")
PHONE_SYNONYMS = ("téléphone", "portable", "tél")

ML_COLUMNS: dict[str, tuple[str, ...]] = {
    "code_ml": ("code mission locale", "code structure"),
    "nom": ("nom officiel ml", "nom ml", "mission locale"),
    "email": EMAIL_SYNONYMS,
    "telephone": PHONE_SYNONYMS,
    "canal": ("canal d'envoi",),
}
ML_REQUIRED = ("code_ml", "nom", "email")

INSEE = "Code INSEE"
COMMUNE = "Nom Commune"
CODE_ML = "Code ML"
SHARED = "Commune présente sur plusieurs ML"
POSTAL_ML = "Code Postal ML"
TOWN_ML = "Ville ML"
COVERAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    INSEE: ("code commune", "code insee commune", "insee"),
    COMMUNE: ("commune", "libellé commune", "nom de la commune"),
    CODE_ML: ("code mission locale", "code structure"),
    "Nom Officiel ML": ("nom ml", "nom mission locale"),
    SHARED: ("plusieurs ml", "commune partagée", "commune sur plusieurs ml"),
    POSTAL_ML: (),
    TOWN_ML: (),
}
COVERAGE_REQUIRED = (INSEE, COMMUNE, CODE_ML)

HJ_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("identifiant", "code"),
    "nom": ("résidence", "nom de la résidence"),
    "email": EMAIL_SYNONYMS,
    "telephone": PHONE_SYNONYMS,
    "canal": ("canal d'envoi",),
    "departement": ("département", "dept", "code département"),
    "communes": ("codes insee", "communes insee", "codes communes"),
}
HJ_REQUIRED = ("id", "nom", "email", "departement")

_COMMUNE_SEPARATORS = re.compile(r"[\s|,;]+")


@dataclass
class DirectoryParse(Generic[T]):
    rows: int = 0
    items: list[T] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Contact:
    email: str | None
    telephone: str | None
    mobile: bool
    canal: str


def parse_missions_locales(data: bytes) -> DirectoryParse[MissionLocale]:
    """Contacts: ``code_ml``, ``nom``, ``email``, ``telephone``, ``canal``."""

    def read(fields: cells.RowFields) -> tuple[str | None, MissionLocale | None]:
        key = fields.get("code_ml", cells.code, required=True)
        nom = fields.get("nom", cells.free_text, required=True)
        contact = _contact(fields, "")
        if key is None or nom is None or contact is None:
            return key, None
        return key, MissionLocale(
            key, nom, contact.email, contact.telephone, contact.mobile, contact.canal
        )

    return _parse_keyed(data, ML_COLUMNS, ML_REQUIRED, "code_ml", read)


def parse_habitat_jeunes(data: bytes) -> DirectoryParse[HabitatJeunes]:
    """Residences: ``id``, ``nom``, ``email``, ``telephone``, ``canal``, ``departement``,
    ``communes`` (INSEE codes separated by spaces or ``|``; empty = the whole department)."""

    def read(fields: cells.RowFields) -> tuple[str | None, HabitatJeunes | None]:
        key = fields.get("id", cells.identifier, required=True)
        nom = fields.get("nom", cells.free_text, required=True)
        department = fields.get("departement", cells.department_code, required=True)
        contact = _contact(fields, department or "")
        communes = _communes(fields, department)
        if key is None or nom is None or department is None or contact is None or communes is None:
            return key, None
        return key, HabitatJeunes(
            id=key,
            nom=nom,
            email=contact.email,
            departement=department,
            telephone=contact.telephone,
            telephone_mobile=contact.mobile,
            canal=contact.canal,
            communes=communes,
        )

    return _parse_keyed(data, HJ_COLUMNS, HJ_REQUIRED, "id", read)


def parse_coverage(
    data: bytes | IO[bytes], known_ml_codes: set[str] | None = None
) -> DirectoryParse[CoverageEntry]:
    """The UNML coverage file; ``known_ml_codes`` (when given) rejects rows of unknown MLs.
    Rows of communes outside the 101 departments are skipped with a warning (SPEC §5.2)."""
    table = read_table(data, header_test(COVERAGE_COLUMNS, COVERAGE_REQUIRED))
    columns = map_columns(table.headers, COVERAGE_COLUMNS, COVERAGE_REQUIRED)
    known = {code.upper() for code in known_ml_codes} if known_ml_codes is not None else None
    result: DirectoryParse[CoverageEntry] = DirectoryParse()
    rows = _CoverageRows(known)
    for number, row in table.rows:
        result.rows += 1
        rows.read(cells.RowFields(columns, number, row))
    items, result.rejected = rows.entries()
    result.items = _with_postal_codes(items, rows.addresses)
    result.warnings = rows.warnings(result.rows)
    return result


def _with_postal_codes(
    items: list[CoverageEntry], addresses: set[tuple[str, str]]
) -> list[CoverageEntry]:
    index = postal.index_from_addresses(addresses, ((e.insee, e.nom_commune) for e in items))
    codes_of: dict[str, list[str]] = {}
    for code, communes in sorted(index.items()):
        for insee, _ in communes:
            codes_of.setdefault(insee, []).append(code)
    return [
        dataclasses.replace(item, postal_codes=tuple(codes_of[item.insee]))
        if item.insee in codes_of
        else item
        for item in items
    ]


class _CoverageRows:
    """Coverage rows grouped by commune, checked for the « plusieurs ML » flag."""

    def __init__(self, known: set[str] | None) -> None:
        self.known = known
        self.errors: dict[int, list[RowError]] = {}
        self.names: dict[str, str] = {}
        self.rows_of: dict[str, dict[str, list[tuple[int, bool]]]] = {}  # insee → ml → rows
        self.merged = 0
        self.lone_flags = 0
        self.skipped: dict[str, list[int]] = {}  # territory → rows
        self.addresses: set[tuple[str, str]] = set()  # (Code Postal ML, Ville ML)

    def read(self, fields: cells.RowFields) -> None:
        territory = geo.territory_outside_departments(cell_text(fields.raw(INSEE)))
        if territory is not None:
            self.skipped.setdefault(territory, []).append(fields.number)
            return
        insee = fields.get(INSEE, cells.insee, required=True)
        nom = fields.get(COMMUNE, cells.free_text, required=True)
        code_ml = fields.get(CODE_ML, cells.code, required=True)
        flagged = bool(fields.get(SHARED, cells.flag))
        if code_ml is not None and self.known is not None and code_ml not in self.known:
            fields.add(
                CODE_ML,
                "unknown_ml",
                "Code ML absent des contacts des missions locales (chargez-les d'abord).",
            )
        if fields.errors or insee is None or nom is None or code_ml is None:
            key = insee or cell_text(fields.raw(INSEE))[:10] or None
            self.errors[fields.number] = fields.row_errors(key)
            return
        self.names.setdefault(insee, nom)
        by_ml = self.rows_of.setdefault(insee, {})
        self.merged += code_ml in by_ml
        by_ml.setdefault(code_ml, []).append((fields.number, flagged))
        address = (cell_text(fields.raw(POSTAL_ML)), cell_text(fields.raw(TOWN_ML)))
        if all(address):
            self.addresses.add(address)

    def entries(self) -> tuple[list[CoverageEntry], list[RowError]]:
        items = []
        for insee in sorted(self.rows_of):
            by_ml = self.rows_of[insee]
            every_row = sorted(entry for entries in by_ml.values() for entry in entries)
            if len(by_ml) > 1 and not all(flag for _, flag in every_row):
                self._reject_unflagged(insee, every_row)
                continue
            self.lone_flags += len(by_ml) == 1 and any(flag for _, flag in every_row)
            items.append(
                CoverageEntry(insee, self.names[insee], tuple(sorted(by_ml)), len(by_ml) > 1)
            )
        rejected = [error for number in sorted(self.errors) for error in self.errors[number]]
        return items, rejected

    def _reject_unflagged(self, insee: str, every_row: list[tuple[int, bool]]) -> None:
        shown = ", ".join(str(number) for number, _ in every_row[: cells.SHOWN_ROWS])
        message = (
            f"Commune attribuée à plusieurs missions locales (lignes {shown}) sans « Oui » "
            f"dans « {SHARED} » sur chaque ligne."
        )
        for number, _ in every_row:
            self.errors.setdefault(number, []).append(
                RowError(number, insee, SHARED, "shared_without_flag", message)
            )

    def warnings(self, rows: int) -> list[str]:
        found = []
        for territory, numbers in sorted(self.skipped.items()):
            shown = ", ".join(str(number) for number in numbers[: cells.SHOWN_ROWS])
            more = " …" if len(numbers) > cells.SHOWN_ROWS else ""
            found.append(
                f"{len(numbers)} ligne(s) de {territory} ignorée(s) (lignes {shown}{more}) : "
                "collectivité hors des 101 départements, que Relais ASE ne couvre pas."
            )
        if self.merged:
            found.append(f"{self.merged} ligne(s) en double (même commune, même ML) fusionnée(s).")
        if self.lone_flags:
            found.append(
                f"{self.lone_flags} commune(s) signalée(s) sur plusieurs ML avec une seule mission "
                "locale dans le fichier : orientées vers celle-ci."
            )
        if rows == 0:
            found.append("Le fichier ne contient aucune ligne de données.")
        return found


def _parse_keyed(
    data: bytes,
    spec: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    key_column: str,
    read: Callable[[cells.RowFields], tuple[str | None, T | None]],
) -> DirectoryParse[T]:
    table = read_table(data, header_test(spec, required))
    columns = map_columns(table.headers, spec, required)
    result: DirectoryParse[T] = DirectoryParse()
    collected: collect.KeyedRows[T] = collect.KeyedRows(key_column)
    for number, row in table.rows:
        result.rows += 1
        fields = cells.RowFields(columns, number, row)
        key, item = read(fields)
        collected.add(number, key, item, fields.row_errors(key))
    result.items, result.rejected, _ = collected.finish()
    if result.rows == 0:
        result.warnings.append("Le fichier ne contient aucune ligne de données.")
    return result


def _contact(fields: cells.RowFields, department: str) -> _Contact | None:
    """Email, phone and channel of a partner; None (errors added) when unusable."""
    before = len(fields.errors)
    address = fields.get("email", cells.email)
    phone = fields.get("telephone", cells.phone_reader(department))
    canal = fields.get("canal", cells.canal) or ("email" if not fields.filled("canal") else None)
    if canal == "email" and address is None and not fields.filled("email"):
        fields.add("email", "required", "Adresse e-mail obligatoire pour le canal email.")
    if canal == "sms" and not fields.filled("telephone"):
        fields.add("telephone", "required", "Numéro de mobile obligatoire pour le canal sms.")
    elif canal == "sms" and phone is not None and not phone.mobile:
        fields.add("telephone", "sms_needs_mobile", "Le canal sms exige un numéro de mobile.")
    if len(fields.errors) > before or canal is None:
        return None
    return _Contact(address, phone.e164 if phone else None, bool(phone and phone.mobile), canal)


def _communes(fields: cells.RowFields, department: str | None) -> frozenset[str] | None:
    """The listed communes (empty = whole department); None (errors added) if any is wrong."""
    tokens = [
        token for token in _COMMUNE_SEPARATORS.split(cell_text(fields.raw("communes"))) if token
    ]
    codes: set[str] = set()
    problems: Counter[tuple[str, str]] = Counter()  # (code, message) → how many communes
    for token in tokens:
        try:
            code = cells.insee(token)
        except cells.CellError as error:
            problems[error.code, error.message] += 1
            continue
        if department is not None and geo.department_of_commune(code) != department:
            problems["commune_outside_department", "Commune hors du département indiqué."] += 1
            continue
        codes.add(code)
    for (code_, message), count in problems.items():
        fields.add("communes", code_, f"{count} commune(s) en erreur. {message}")
    return None if problems else frozenset(codes)

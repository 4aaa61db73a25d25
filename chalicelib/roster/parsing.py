"""Roster file → validated ``YouthRecord``s, ``RowError``s and ``RowWarning``s (SPEC §5.1). Pure.

Columns: ``roster.columns`` (synonyms, the department's own mapping). Row outcomes: a row whose
birth date is valid and under 16 years at ``today`` is only counted (``skipped_too_young``; nothing
else of it is read or kept, and it takes no part in the duplicate check). Any other row is fully
validated. Only a required column rejects a row (with ALL its errors); a bad optional value (phone,
youth's email, interview date, pathway state, ``code_ml``…) is dropped with a warning and the row is
kept. An ``id_externe`` present on several rows rejects every one of them (``duplicate_id``).
Reports stay small: the first ``limits.MAX_STORED_ERRORS`` errors and warnings are kept, the rest
counted (``rejected_total``, ``warnings_total``), while every rejected id is remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from chalicelib.domain.youth import (
    PATHWAY_PARTS,
    RowError,
    RowWarning,
    YouthRecord,
    age_on,
)
from chalicelib.inputs import cells, collect, postal
from chalicelib.inputs.communes import CommuneIndex
from chalicelib.inputs.insee import POSTAL, postal_code_note
from chalicelib.roster import columns as roster_columns
from chalicelib.roster.commune_names import NAME_COLUMN, POSTAL_COLUMN, CommuneNames
from chalicelib.tabular import Table, cell_text, read_table, unmapped_headers

COLUMNS = roster_columns.COLUMNS
REQUIRED = roster_columns.REQUIRED
_PATHWAY_COLUMNS = tuple((part, f"parcours_{part}") for part in PATHWAY_PARTS)
MIN_AGE = 16
MAX_AGE = 21


@dataclass
class RosterParse:
    """What the sync needs. ``rejected``/``warnings``: the first ones kept; totals count all."""

    rows: int = 0
    records: list[YouthRecord] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)
    rejected_rows: int = 0
    rejected_total: int = 0
    skipped_too_young: int = 0
    warnings: list[RowWarning] = field(default_factory=list)
    warnings_total: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def parse_roster(
    source: bytes | IO[bytes],
    *,
    department: str,
    today: date,
    mapping: Mapping[str, str] | None = None,
    postal_lookup: postal.Lookup | None = None,
    communes: Callable[[], CommuneIndex] | None = None,
) -> RosterParse:
    """Validate a whole roster. File-level problems raise ``UnreadableFileError``,
    ``FileLimitError`` or ``MissingColumnsError`` (before any row is read, or when met)."""
    table = read_table(source, roster_columns.header_test(mapping))
    columns = roster_columns.resolve(table.headers, mapping)
    reader = _RowReader(columns, department, today, postal_lookup)
    reader.names = CommuneNames(communes)
    result = RosterParse()
    collected: collect.KeyedRows[YouthRecord] = collect.KeyedRows("id_externe")
    warnings: collect.Capped[RowWarning] = collect.Capped()
    for number, row in table.rows:
        result.rows += 1
        outcome = reader.read(number, row)
        if outcome is None:
            result.skipped_too_young += 1
            continue
        key, record, errors, row_warnings = outcome
        collected.add(number, key, record, errors)
        if not errors:
            warnings.extend(row_warnings)
    result.records, result.rejected, result.rejected_ids = collected.finish()
    result.rejected_rows = len(collected.rejected_rows)
    result.rejected_total = collected.errors.total
    result.ignored_columns = unmapped_headers(table.headers, columns)
    file_warnings = _file_warnings(table, result, reader.names.summary())
    result.warnings = file_warnings + warnings.kept
    result.warnings_total = len(file_warnings) + warnings.total
    return result


def _file_warnings(table: Table, result: RosterParse, names: str | None) -> list[RowWarning]:
    found = [RowWarning(None, None, note.code, note.message) for note in table.notes]
    if names is not None:
        found.append(RowWarning(None, "commune", "communes_by_name", names))
    if result.rows == 0:
        found.append(
            RowWarning(None, None, "empty_file", "Le fichier ne contient aucune ligne de données.")
        )
    if result.ignored_columns:
        shown = result.ignored_columns[: cells.SHOWN_ROWS]
        names = ", ".join(f"« {name[:40]} »" for name in shown)
        more = " …" if len(result.ignored_columns) > len(shown) else ""
        found.append(
            RowWarning(
                None,
                None,
                "ignored_columns",
                f"Colonnes ignorées (nom non reconnu ou en double) : {names}{more}.",
            )
        )
    return found


Outcome = tuple[str | None, YouthRecord | None, list[RowError], list[RowWarning]]


class _RowReader:
    """Validates one row at a time; shares repeated strings to keep 100,000 records small."""

    def __init__(
        self,
        columns: dict[str, int],
        department: str,
        today: date,
        postal_lookup: postal.Lookup | None,
    ) -> None:
        self.columns = columns
        self.today = today
        self.phone = cells.phone_reader(department)
        self.commune = _commune_reader(postal_lookup)
        self.names = CommuneNames(None)
        self._shared: dict[str, str] = {}
        self._memo: cells.Memo = {}

    def share(self, text: str | None) -> str | None:
        if text is None:
            return None
        return self._shared.setdefault(text, text)

    def read(self, number: int, row: list[object]) -> Outcome | None:
        """None for a skipped child; else (readable id or None, record or None, errors,
        warnings)."""
        fields = cells.RowFields(self.columns, number, row, self._memo)
        birth = fields.get("date_naissance", cells.day, required=True)
        if birth is not None:
            if birth > self.today:
                fields.add("date_naissance", "future_date", "Date de naissance dans le futur.")
            elif age_on(birth, self.today) < MIN_AGE:
                return None
            elif age_on(birth, self.today) >= MAX_AGE:
                fields.add(
                    "date_naissance",
                    "too_old",
                    "Jeune de 21 ans ou plus : hors du champ du service.",
                )
        key = fields.get("id_externe", cells.identifier, required=True)
        values = self._values(fields, key, birth)
        if fields.errors:
            return key, None, fields.row_errors(key), []
        return key, YouthRecord(**values), [], fields.row_warnings()

    def _commune_warning(self, fields: cells.RowFields, commune: str | None) -> None:
        city = postal_code_note(commune) if commune is not None else None
        if commune is None or city is None:
            return
        meant = postal.arrondissement(commune)
        other = f" ; si c'est {meant[1]}, son code INSEE est {meant[0]}" if meant else ""
        fields.warnings.append(
            (
                "code_commune",
                "postal_code_note",
                f"Code INSEE qui est aussi un code postal de {city}{other}. Vérifiez-le.",
            )
        )

    def _values(self, fields: cells.RowFields, key: str | None, birth: date | None) -> dict:
        """The required columns; the optional ones only for a row that will be kept (a rejected
        row's optional warnings would be dropped: reading them costs half of a bad file's time)."""
        get, share = fields.get, self.share
        by_name = fields.has(NAME_COLUMN) or fields.has(POSTAL_COLUMN)
        if by_name and not fields.filled("code_commune"):
            commune = self.names.read(fields)
        else:
            commune = get("code_commune", self.commune, required=True)
            self._commune_warning(fields, commune)
        required = {
            "id_externe": key,
            "nom": get("nom", cells.person_name, required=True),
            "prenom": get("prenom", cells.person_name, required=True),
            "date_naissance": birth,
            "code_commune": share(commune),
            "referent_email": share(get("referent_email", cells.email, required=True)),
        }
        return required if fields.errors else {**required, **self._optional(fields)}

    def _optional(self, fields: cells.RowFields) -> dict:
        optional, share = fields.optional, self.share
        phone = optional("telephone", self.phone)
        referent_phone = optional("referent_telephone", self.phone)
        besoin_logement = bool(optional("besoin_logement", cells.flag))
        return {
            "referent_nom": share(optional("referent_nom", cells.free_text)),
            "referent_telephone": share(referent_phone.e164) if referent_phone else None,
            "telephone": phone.e164 if phone else None,
            "telephone_mobile": bool(phone and phone.mobile),
            "email": optional("email", cells.email),
            "consentement": bool(optional("consentement", cells.flag)),
            "informer_jeune": optional("informer_jeune", cells.flag) is not False,  # default oui
            "besoin_logement": besoin_logement,
            "date_entretien": optional("date_entretien", cells.day_and_time),
            "lieu_entretien": share(optional("lieu_entretien", cells.free_text)),
            "code_ml": share(optional("code_ml", cells.code)),
            "parcours": _pathway(fields, besoin_logement),
            "lieu_accueil_nom": share(optional("lieu_accueil_nom", cells.free_text)),
            "lieu_accueil_email": share(optional("lieu_accueil_email", cells.email)),
        }


def _commune_reader(postal_lookup: postal.Lookup | None) -> Callable[[object], str]:
    """The INSEE code; a postal code is answered with the INSEE code(s) it may mean. A function,
    not a method: the file's memo keeps its validators, and must not keep the reader (a cycle
    would hold the memo after the parse, until a full collection, while the sync runs)."""

    def commune(value: object) -> str:
        try:
            return cells.insee(value)
        except cells.CellError as error:
            if error.code != POSTAL:
                raise
            text = "".join(cell_text(value).split()).zfill(5)
            hint = postal.suggestion(text, postal_lookup)
            raise cells.CellError(POSTAL, f"{error.message} {hint}") from None

    return commune


def _pathway(fields: cells.RowFields, besoin_logement: bool) -> dict[str, str]:
    parcours = {}
    for part, column in _PATHWAY_COLUMNS:
        state = fields.optional(column, cells.pathway_state)
        if state is not None:
            parcours[part] = state
    if besoin_logement and not fields.has("parcours_logement"):
        parcours["logement"] = "a_traiter"
    return parcours

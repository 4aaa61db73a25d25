"""Roster file → validated ``YouthRecord``s and per-cell ``RowError``s (SPEC §5.1). Pure.

Column names match ignoring case, accents, spaces and punctuation (``tabular.normalize_header``).
Resolution is deterministic (``tabular.map_columns``): every canonical name first, then synonyms in
the order of ``COLUMNS``, one header per column. So ``Logement`` alone is ``besoin_logement`` (its
synonym, listed first); next to a ``besoin_logement`` column it is ``parcours_logement``.

Row outcomes: a row whose birth date is valid and under 16 years at ``today`` is only counted
(``skipped_too_young``; nothing else of it is read or kept, and it takes no part in the duplicate
check). Any other row is fully validated and either becomes a record or is rejected with ALL its
errors. An ``id_externe`` present on several rows rejects every one of them (``duplicate_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib import cells
from chalicelib.domain.youth import PATHWAY_PARTS, RowError, YouthRecord, age_on
from chalicelib.roster.insee import postal_code_note
from chalicelib.tabular import map_columns, read_table, unmapped_headers

# The French names the reports give the parts (reports.labels.PART_LABELS) also name the columns.
PATHWAY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "emploi": ("emploi formation", "parcours emploi formation"),
    "droits": ("accès aux droits", "parcours accès aux droits"),
    "accompagnement": ("accompagnement socio-éducatif", "parcours accompagnement socio-éducatif"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_externe": ("identifiant", "numero dossier", "n° dossier", "numéro de dossier"),
    "nom": ("nom de famille",),
    "prenom": ("prénom",),
    "date_naissance": ("date de naissance", "né(e) le", "né le", "née le"),
    "code_commune": ("code insee", "commune insee", "code commune insee"),
    "referent_email": ("email référent", "courriel référent", "e-mail référent"),
    "referent_nom": ("nom référent",),
    "referent_telephone": ("téléphone référent",),
    "telephone": ("téléphone", "portable"),
    "email": ("courriel", "e-mail"),
    "consentement": ("accord partage", "accord de partage"),
    "besoin_logement": ("logement",),
    "date_entretien": ("date entretien majorité", "date entretien"),
    "lieu_entretien": ("lieu entretien majorité",),
    "code_ml": ("code mission locale",),
    **{f"parcours_{part}": (part, *PATHWAY_SYNONYMS.get(part, ())) for part in PATHWAY_PARTS},
    "lieu_accueil_nom": ("lieu d'accueil", "structure", "lieu d'accueil nom", "nom lieu d'accueil"),
    "lieu_accueil_email": (
        "email lieu d'accueil",
        "email structure",
        "lieu d'accueil email",
        "courriel lieu d'accueil",
    ),
}
REQUIRED = ("id_externe", "nom", "prenom", "date_naissance", "code_commune", "referent_email")
MIN_AGE = 16
MAX_AGE = 21


@dataclass
class RosterParse:
    """What the sync needs. ``rejected`` holds every error of every rejected row, by row."""

    rows: int = 0
    records: list[YouthRecord] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)
    skipped_too_young: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.rejected})


def parse_roster(data: bytes, *, department: str, today: date) -> RosterParse:
    """Validate a whole roster. File-level problems raise ``UnreadableFileError`` or
    ``MissingColumnsError`` before any row is read."""
    table = read_table(data)
    columns = map_columns(table.headers, COLUMNS, REQUIRED)
    reader = _RowReader(columns, department, today)
    result = RosterParse()
    collected: cells.KeyedRows[YouthRecord] = cells.KeyedRows("id_externe")
    for number, row in table.rows:
        result.rows += 1
        outcome = reader.read(number, row)
        if outcome is None:
            result.skipped_too_young += 1
        else:
            collected.add(number, *outcome)
    result.records, result.rejected, result.rejected_ids = collected.finish()
    result.warnings = _warnings(table.headers, columns, result.rows, reader.ambiguous)
    return result


def _warnings(
    headers: list[str], columns: dict[str, int], rows: int, ambiguous: dict[str, list[int]]
) -> list[str]:
    warnings = []
    if rows == 0:
        warnings.append("Le fichier ne contient aucune ligne de données.")
    ignored = unmapped_headers(headers, columns)
    if ignored:
        names = ", ".join(f"« {name[:40]} »" for name in ignored[: cells.SHOWN_ROWS])
        more = " …" if len(ignored) > cells.SHOWN_ROWS else ""
        warnings.append(f"Colonnes ignorées (nom non reconnu ou en double) : {names}{more}.")
    for city, numbers in sorted(ambiguous.items()):
        shown = ", ".join(str(number) for number in numbers[: cells.SHOWN_ROWS])
        more = " …" if len(numbers) > cells.SHOWN_ROWS else ""
        warnings.append(
            f"{len(numbers)} ligne(s) ({shown}{more}) : code_commune qui est aussi un code postal "
            f"de {city} ; vérifiez qu'il s'agit bien du code INSEE de la commune."
        )
    return warnings


class _RowReader:
    """Validates one row at a time; shares repeated strings to keep 50,000 records small."""

    def __init__(self, columns: dict[str, int], department: str, today: date) -> None:
        self.columns = columns
        self.today = today
        self.phone = cells.phone_reader(department)
        self.ambiguous: dict[str, list[int]] = {}
        self._shared: dict[str, str] = {}

    def share(self, text: str | None) -> str | None:
        if text is None:
            return None
        return self._shared.setdefault(text, text)

    def read(
        self, number: int, row: list[object]
    ) -> tuple[str | None, YouthRecord | None, list[RowError]] | None:
        """None for a skipped child; else (readable id or None, record or None, errors)."""
        fields = cells.RowFields(self.columns, number, row)
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
            return key, None, fields.row_errors(key)
        return key, YouthRecord(**values), []

    def _values(self, fields: cells.RowFields, key: str | None, birth: date | None) -> dict:
        get = fields.get
        phone = get("telephone", self.phone)
        referent_phone = get("referent_telephone", self.phone)
        commune = get("code_commune", cells.insee, required=True)
        city = postal_code_note(commune) if commune is not None else None
        if city is not None:
            self.ambiguous.setdefault(city, []).append(fields.number)
        besoin_logement = bool(get("besoin_logement", cells.flag))
        parcours = {}
        for part in PATHWAY_PARTS:
            state = get(f"parcours_{part}", cells.pathway_state)
            if state is not None:
                parcours[part] = state
        if besoin_logement and not fields.has("parcours_logement"):
            parcours["logement"] = "a_traiter"
        share = self.share
        return {
            "id_externe": key,
            "nom": get("nom", cells.person_name, required=True),
            "prenom": get("prenom", cells.person_name, required=True),
            "date_naissance": birth,
            "code_commune": share(commune),
            "referent_email": share(get("referent_email", cells.email, required=True)),
            "referent_nom": share(get("referent_nom", cells.free_text)),
            "referent_telephone": share(referent_phone.e164) if referent_phone else None,
            "telephone": phone.e164 if phone else None,
            "telephone_mobile": bool(phone and phone.mobile),
            "email": get("email", cells.email),
            "consentement": bool(get("consentement", cells.flag)),
            "besoin_logement": besoin_logement,
            "date_entretien": get("date_entretien", cells.day_and_time),
            "lieu_entretien": share(get("lieu_entretien", cells.free_text)),
            "code_ml": share(get("code_ml", cells.code)),
            "parcours": parcours,
            "lieu_accueil_nom": share(get("lieu_accueil_nom", cells.free_text)),
            "lieu_accueil_email": share(get("lieu_accueil_email", cells.email)),
        }

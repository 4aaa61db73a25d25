"""La Poste's official postal code base (base officielle des codes postaux) → ``PostalRow``s
(SPEC §5.4). Pure; strict like the other directory files (a rejected row loads nothing).

Every form La Poste has published is read as it is: ``;``-separated, Latin-1 or UTF-8 (with or
without BOM: ``tabular`` decodes each line), the header with or without a leading ``#``, names in
``Nom_commune`` or ``Nom_de_la_commune``, with or without the coordinate columns (ignored), the
columns in any order. Lines of communes outside the 101 departments (Saint-Pierre-et-Miquelon,
Saint-Barthélemy, Saint-Martin, the Pacific, Monaco's ``99138``) are skipped with one warning per
territory; identical lines (the base repeats a few) are kept once.
"""

from __future__ import annotations

from typing import IO

from chalicelib.directory.parsing import DirectoryParse
from chalicelib.domain import geo
from chalicelib.domain.directory import PostalRow
from chalicelib.domain.youth import RowError
from chalicelib.headers import header_test, map_columns
from chalicelib.inputs import cells
from chalicelib.inputs.communes import postal_key
from chalicelib.tabular import cell_text, read_table

INSEE, NAME, POSTAL, LINE5, LABEL = "insee", "nom", "code_postal", "ligne_5", "acheminement"
COLUMNS: dict[str, tuple[str, ...]] = {
    INSEE: ("Code_commune_INSEE", "code commune", "code INSEE"),
    NAME: ("Nom_commune", "Nom_de_la_commune", "commune"),
    POSTAL: ("Code_postal", "CP"),
    LINE5: ("Ligne_5",),
    LABEL: ("Libellé_d_acheminement", "libelle acheminement"),
}
REQUIRED = (INSEE, NAME, POSTAL)
_NAME_CHARS = 100
_FOREIGN = "Monaco et l'étranger (99)"


def parse_postal_base(data: bytes | IO[bytes]) -> DirectoryParse[PostalRow]:
    table = read_table(data, header_test(COLUMNS, REQUIRED))
    columns = map_columns(table.headers, COLUMNS, REQUIRED)
    result: DirectoryParse[PostalRow] = DirectoryParse()
    kept: dict[PostalRow, None] = {}
    skipped: dict[str, list[int]] = {}
    for number, row in table.rows:
        result.rows += 1
        texts = {
            column: " ".join(cell_text(row[index]).split()) for column, index in columns.items()
        }
        raw_insee = "".join(texts[INSEE].split())
        territory = geo.territory_outside_departments(raw_insee) or (
            _FOREIGN if raw_insee.startswith("99") else None
        )
        if territory is not None:
            skipped.setdefault(territory, []).append(number)
            continue
        parsed, errors = _row(number, texts)
        if errors:
            result.rejected.extend(errors)
        elif parsed is not None:
            kept[parsed] = None
    result.items = list(kept)
    result.warnings = [_skipped_warning(territory, rows) for territory, rows in skipped.items()]
    if result.rows == 0:
        result.warnings.append("Le fichier ne contient aucune ligne de données.")
    return result


def _row(number: int, texts: dict[str, str]) -> tuple[PostalRow | None, list[RowError]]:
    errors: list[RowError] = []

    def reject(column: str, code: str, message: str) -> None:
        errors.append(RowError(number, texts[INSEE][:10] or None, column, code, message))

    insee = ""
    try:
        insee = cells.insee(texts[INSEE])
    except cells.CellError as error:
        reject(INSEE, error.code, error.message)
    postal = postal_key(texts[POSTAL])
    if not postal:
        reject(POSTAL, "invalid_postal_code", "Code postal invalide : 5 chiffres attendus.")
    name = texts[NAME]
    if not name or len(name) > _NAME_CHARS or ";" in name:
        reject(NAME, "invalid_name", "Nom de commune vide ou illisible.")
    line5, label = texts.get(LINE5, ""), texts.get(LABEL, "") or name
    if ";" in line5 + label or len(line5) > _NAME_CHARS or len(label) > _NAME_CHARS:
        reject(LINE5, "invalid_name", "Ligne 5 ou libellé d'acheminement illisible.")
    if errors:
        return None, errors
    return PostalRow(insee, name, postal, line5, label), []


def _skipped_warning(territory: str, numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[: cells.SHOWN_ROWS])
    more = " …" if len(numbers) > cells.SHOWN_ROWS else ""
    return (
        f"{len(numbers)} ligne(s) de {territory} ignorée(s) (lignes {shown}{more}) : "
        "hors des 101 départements, que Relais ASE ne couvre pas."
    )

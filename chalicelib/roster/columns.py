"""The roster's columns: names, the headers departments' exports really use, French labels, and a
department's own column mapping (SPEC §5, §5.1). Pure.

Synonyms are written as a person writes them (the first one is what error messages show first);
matching ignores case, accents, spaces and punctuation (``headers.normalize_header``). Order
matters only between columns sharing a synonym: ``Logement`` alone is ``besoin_logement`` (listed
first); next to a ``besoin_logement`` column it is ``parcours_logement``.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.youth import PATHWAY_PARTS
from chalicelib.errors import BadRequestError, MissingColumnsError
from chalicelib.headers import accepted_headers, map_columns, normalize_header, unmapped_headers
from chalicelib.tabular import HeaderTest

PATHWAY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "emploi": ("emploi formation", "parcours emploi formation"),
    "droits": ("accès aux droits", "parcours accès aux droits"),
    "accompagnement": ("accompagnement socio-éducatif", "parcours accompagnement socio-éducatif"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "id_externe": ("N° dossier", "numéro de dossier", "numero dossier", "identifiant",
                   "n° de dossier", "num dossier"),
    "nom": ("nom de famille", "nom du jeune"),
    "prenom": ("prénom", "prénom du jeune"),
    "date_naissance": ("date de naissance", "né(e) le", "né le", "née le"),
    "code_commune": ("code INSEE", "commune INSEE", "code commune INSEE", "code INSEE commune",
                     "INSEE"),
    "referent_email": ("mail référent", "email référent", "e-mail référent", "courriel référent",
                       "adresse mail référent", "adresse e-mail référent", "mail du référent",
                       "email du référent", "mail travailleur social",
                       "email travailleur social", "courriel travailleur social"),
    "commune": ("commune de résidence", "ville", "nom commune", "nom de la commune",
                "ville de résidence", "localité", "commune du jeune"),
    "code_postal": ("code postal", "CP", "code postal de résidence"),
    "referent_nom": ("référent", "nom référent", "nom du référent", "référent ASE",
                     "travailleur social"),
    "referent_telephone": ("tél. référent", "téléphone référent", "tel référent",
                           "téléphone du référent", "tél. travailleur social"),
    "telephone": ("téléphone", "tél.", "tél. portable", "téléphone portable", "portable",
                  "mobile", "téléphone mobile", "tél. mobile"),
    "email": ("courriel", "mail", "e-mail", "adresse mail", "adresse e-mail"),
    "consentement": ("accord partage", "accord de partage", "consentement partage"),
    "informer_jeune": ("Informer le jeune", "informer la jeune", "informer le ou la jeune"),
    "besoin_logement": ("logement", "besoin de logement"),
    "date_entretien": ("date entretien majorité", "date entretien", "date de l'entretien"),
    "lieu_entretien": ("lieu entretien majorité", "lieu entretien", "lieu de l'entretien"),
    "code_ml": ("code mission locale",),
    **{f"parcours_{part}": (part, *PATHWAY_SYNONYMS.get(part, ())) for part in PATHWAY_PARTS},
    "lieu_accueil_nom": ("lieu d'accueil", "structure", "structure d'accueil", "lieu d'accueil nom",
                         "nom lieu d'accueil", "nom du lieu d'accueil"),
    "lieu_accueil_email": ("mail lieu d'accueil", "email lieu d'accueil",
                           "courriel lieu d'accueil", "lieu d'accueil email", "email structure",
                           "mail structure", "mail du lieu d'accueil"),
}  # fmt: skip
REQUIRED = ("id_externe", "nom", "prenom", "date_naissance", "code_commune", "referent_email")
# ``code_commune`` may be replaced by the commune's name (with or without its postal code)
INSTEAD_OF_INSEE = "commune"

# What an agent reads (console, messages): never the internal name alone.
LABELS: dict[str, str] = {
    "id_externe": "Numéro de dossier",
    "nom": "Nom",
    "prenom": "Prénom",
    "date_naissance": "Date de naissance",
    "code_commune": "Code INSEE de la commune",
    "referent_email": "E-mail du référent",
    "commune": "Commune de résidence (nom)",
    "code_postal": "Code postal de la commune",
    "referent_nom": "Nom du référent",
    "referent_telephone": "Téléphone du référent",
    "telephone": "Téléphone du jeune",
    "email": "E-mail du jeune",
    "consentement": "Accord de partage",
    "informer_jeune": "Informer le ou la jeune d'une orientation acceptée",
    "besoin_logement": "Besoin de logement",
    "date_entretien": "Date de l'entretien de préparation à la majorité",
    "lieu_entretien": "Lieu de l'entretien",
    "code_ml": "Code de la mission locale (UNML)",
    "parcours_ressources": "Parcours : ressources",
    "parcours_logement": "Parcours : logement",
    "parcours_emploi": "Parcours : emploi, formation",
    "parcours_sante": "Parcours : santé",
    "parcours_droits": "Parcours : accès aux droits",
    "parcours_accompagnement": "Parcours : accompagnement socio-éducatif",
    "lieu_accueil_nom": "Lieu d'accueil",
    "lieu_accueil_email": "E-mail du lieu d'accueil",
}
MAX_MAPPING_ENTRIES = 200
MAX_HEADER_CHARS = 200


def resolve(headers: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Our column → index of the header holding it; ``MissingColumnsError`` otherwise."""
    found = map_columns(headers, COLUMNS, (), mapping)
    missing = missing_columns(found)
    if missing:
        raise MissingColumnsError(missing, {column: accepted(column) for column in missing})
    return found


def missing_columns(found: Mapping[str, int]) -> list[str]:
    """The required columns absent; ``code_commune`` is not missing when ``commune`` is there."""
    return [
        column
        for column in REQUIRED
        if column not in found and not (column == "code_commune" and INSTEAD_OF_INSEE in found)
    ]


def accepted(column: str) -> list[str]:
    """The headers a required column accepts; for the INSEE code, also what may replace it."""
    headers = accepted_headers(column, COLUMNS[column])
    if column == "code_commune":
        headers += [
            "ou à défaut Commune de résidence, Ville ou Commune (le nom, avec si possible une "
            "colonne Code postal)"
        ]
    return headers


def header_test(mapping: Mapping[str, str] | None = None) -> HeaderTest:
    """For ``read_table``: a row is the header when it names every required column."""

    def test(texts: list[str]) -> tuple[bool, int]:
        found = map_columns(texts, COLUMNS, (), mapping)
        return not missing_columns(found), len(found)

    return test


def column_named(name: str) -> str | None:
    """Our column for a target written as its name, a synonym or its label; None if unknown."""
    key = normalize_header(name)
    for column, synonyms in COLUMNS.items():
        if key in {normalize_header(text) for text in (column, LABELS[column], *synonyms)}:
            return column
    return None


def validate_mapping(raw: object) -> dict[str, str]:
    """A department's ``{"their header": "our column"}``, targets made canonical; a 400 in
    French naming every unknown target and the columns that exist."""
    if not isinstance(raw, dict) or len(raw) > MAX_MAPPING_ENTRIES:
        raise BadRequestError(
            'Correspondance attendue : un objet JSON {"en-tête du fichier": "colonne"} '
            f"d'au plus {MAX_MAPPING_ENTRIES} entrées.",
            code="invalid_mapping",
        )
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header, target in raw.items():
        if not normalize_header(header) or len(header) > MAX_HEADER_CHARS:
            raise BadRequestError("En-tête vide ou trop long dans la correspondance.",
                                  code="invalid_mapping")  # fmt: skip
        column = column_named(target) if isinstance(target, str) else None
        if column is None:
            unknown.append(str(target)[:60])
        else:
            mapping[" ".join(header.split())] = column
    if unknown:
        raise BadRequestError(
            "Colonne(s) inconnue(s) : "
            + ", ".join(f"« {name} »" for name in unknown)
            + ". Colonnes possibles : "
            + ", ".join(COLUMNS)
            + ".",
            code="unknown_columns",
            details={"unknown": unknown, "columns": {c: LABELS[c] for c in COLUMNS}},
        )
    return mapping


def describe(headers: list[str], mapping: Mapping[str, str] | None = None) -> dict:
    """For the console's import page, before any row is read: which header feeds which column,
    which headers are ignored, which required columns are missing (with what they accept)."""
    found = map_columns(headers, COLUMNS, (), mapping)
    missing = missing_columns(found)
    return {
        "columns": {column: headers[index] for column, index in found.items()},
        "ignored": unmapped_headers(headers, found),
        "missing": missing,
        "accepted": {column: accepted(column) for column in missing},
        "labels": LABELS,
    }

"""The limits every uploaded file must respect (SPEC §5.1 "Limits"), and the error that says so.

Checked before the expensive work (zip directory, declared sheet dimension, shared-string count,
line count) and again while streaming, so a hostile file is refused in bounded time and memory
(SPEC §10: ≤ 2 s and ≤ 100 MB for a refusal). Pure constants and one error class.
"""

from __future__ import annotations

from chalicelib.errors import RelaisError, UnreadableFileError

MAX_ROWS = 100_000  # data rows (the header is not counted)
MAX_COLUMNS = 200
MAX_CELL_CHARS = 1_000
MAX_INFLATED_BYTES = 100 * 1024 * 1024  # every part of an XLSX, uncompressed
# A real roster has a handful of distinct strings per row; 2 million is not a roster.
MAX_SHARED_STRINGS = 1_000_000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # the presigned POST's policy (S3 route)
# API Gateway base64-encodes binary bodies (+33 %) and a Lambda event is capped at 6 MB
# (6,291,456 bytes): 4 MiB becomes 5,592,408 bytes, leaving room for headers and the envelope.
MAX_DIRECT_BYTES = 4 * 1024 * 1024
MAX_STORED_ERRORS = 1_000  # row errors kept in a report; the rest are only counted
UPLOAD_ROUTE = "POST /departments/{code}/roster-uploads"


class FileLimitError(RelaisError):
    """A file beyond a limit: 413 for its size or length, refused before it is read further."""

    status = 413
    code = "file_too_large"


def too_many_rows() -> FileLimitError:
    return FileLimitError(
        f"Fichier de plus de {MAX_ROWS:,} lignes de données : ".replace(",", " ")
        + "découpez-le ou contactez l'équipe Relais ASE.",
        code="too_many_rows",
    )


def too_many_columns(row: int) -> UnreadableFileError:
    return UnreadableFileError(
        f"Ligne {row} : plus de {MAX_COLUMNS} colonnes. Un fichier de la liste des jeunes en a "
        "une vingtaine : vérifiez que c'est le bon fichier.",
        code="too_many_columns",
    )


def cell_too_long(row: int, column: str | None = None) -> UnreadableFileError:
    where = f"ligne {row}" + (f", colonne « {column[:40]} »" if column else "")
    return UnreadableFileError(
        f"Cellule de plus de {MAX_CELL_CHARS} caractères ({where}) : "
        "raccourcissez-la ou retirez cette colonne du fichier.",
        code="cell_too_long",
    )


def inflated_too_large(kind: str = "XLSX") -> FileLimitError:
    return FileLimitError(
        f"Classeur {kind} qui dépasse 100 Mo une fois décompressé : enregistrez seulement la "
        "liste des jeunes (première feuille) ou envoyez un CSV.",
        code="file_too_large",
    )


def too_many_strings() -> FileLimitError:
    return FileLimitError(
        f"Classeur XLSX de plus de {MAX_SHARED_STRINGS:,} textes distincts : ".replace(",", " ")
        + "ce n'est pas une liste de jeunes ; enregistrez seulement la première feuille.",
        code="too_many_strings",
    )

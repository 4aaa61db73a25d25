"""Errors of the domain, each mapped to an HTTP status and a stable code.

Messages are French, shown to users, and never carry personal data.
"""

from __future__ import annotations


class RelaisError(Exception):
    """Base of every expected error. ``status`` and ``code`` shape the JSON error answer."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequestError(RelaisError):
    status = 400
    code = "bad_request"


class UnreadableFileError(BadRequestError):
    code = "unreadable_file"


class MissingColumnsError(BadRequestError):
    """Required columns absent. The message names, for each, the headers it accepts (in French,
    as a person writes them), never our internal name alone."""

    code = "missing_columns"

    def __init__(self, columns: list[str], accepted: dict[str, list[str]] | None = None) -> None:
        accepted = accepted or {column: [column] for column in columns}
        parts = [
            f"{' / '.join(accepted[column][:1])} (en-têtes acceptés : "
            + ", ".join(f"« {name} »" for name in accepted[column])
            + ")"
            for column in columns
        ]
        super().__init__(
            (
                "Colonne obligatoire absente : "
                if len(columns) == 1
                else "Colonnes obligatoires absentes : "
            )
            + " ; ".join(parts)
            + ". Renommez l'en-tête dans le fichier, ou enregistrez la correspondance de vos "
            "colonnes (PUT /departments/{code}/column-mapping ou page Import de la console).",
            details={"missing": columns, "accepted": accepted},
        )
        self.columns = columns


class UnauthorizedError(RelaisError):
    status = 401
    code = "unauthorized"


class ForbiddenError(RelaisError):
    status = 403
    code = "forbidden"


class NotFoundError(RelaisError):
    status = 404
    code = "not_found"


class ConflictError(RelaisError):
    status = 409
    code = "conflict"


class GoneError(RelaisError):
    status = 410
    code = "gone"


class PayloadTooLargeError(RelaisError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaError(RelaisError):
    status = 415
    code = "unsupported_media_type"


class UnprocessableError(RelaisError):
    status = 422
    code = "rejected_rows"

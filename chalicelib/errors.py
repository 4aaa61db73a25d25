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
    code = "missing_columns"

    def __init__(self, columns: list[str]) -> None:
        super().__init__(
            "Colonnes obligatoires absentes : " + ", ".join(columns), details={"missing": columns}
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


class UnprocessableError(RelaisError):
    status = 422
    code = "rejected_rows"

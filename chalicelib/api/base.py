"""Shared HTTP plumbing: authentication, JSON/HTML/CSV responses, errors as ``{"error": …}``.

Bad input never yields a 5xx: domain errors map to their 4xx status; anything unexpected is a 500
with a generic message and the details only in the logs (which never carry personal data).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

from chalice.app import Request, Response

from chalicelib import cells
from chalicelib.auth import keys
from chalicelib.errors import (
    BadRequestError,
    PayloadTooLargeError,
    RelaisError,
    UnsupportedMediaError,
)
from chalicelib.observability import log_failure, logger

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, default=str),
        status_code=status,
        headers=JSON_HEADERS,
    )


def error_response(error: RelaisError) -> Response:
    body: dict[str, Any] = {"error": {"code": error.code, "message": error.message}}
    if isinstance(error.details, dict) and "rejected" in error.details:
        body = {**error.details, **body}  # a 422 carries the full report
    elif error.details is not None:
        body["error"]["details"] = error.details
    return json_response(body, error.status)


def page_response(html: str, status: int = 200) -> Response:
    return Response(body=html, status_code=status, headers=PAGE_HEADERS)


def handle(call: Callable[[], Response | Any]) -> Response:
    try:
        result = call()
    except RelaisError as error:
        return error_response(error)
    except Exception as error:
        log_failure("unexpected error", error)
        return json_response(
            {"error": {"code": "internal", "message": "Erreur interne. Réessayez plus tard."}}, 500
        )
    return result if isinstance(result, Response) else json_response(result)


def caller(request: Request) -> keys.Caller:
    correlate(request)
    return keys.authenticate((request.headers or {}).get("authorization"))


def correlate(request: Request) -> None:
    """Tie every log line of this invocation to API Gateway's request id."""
    logger.set_correlation_id((request.context or {}).get("requestId"))


def body_bytes(request: Request) -> bytes:
    raw = request.raw_body
    if not raw:
        raise BadRequestError("Corps de requête vide : envoyez le fichier.", code="empty_body")
    return raw


def inflated_body(request: Request, limit: int) -> bytes:
    """The body, inflated when sent with ``Content-Encoding: gzip`` (at most ``limit`` bytes once
    inflated): the national UNML file (~5 MB) fits API Gateway's 6 MB event only compressed."""
    raw = body_bytes(request)
    encoding = str((request.headers or {}).get("content-encoding") or "identity").strip().lower()
    if encoding == "identity":
        return raw
    if encoding != "gzip":
        raise UnsupportedMediaError(
            "Content-Encoding non pris en charge : envoyez le fichier tel quel ou en gzip."
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error:
        raise BadRequestError("Corps gzip illisible.", code="unreadable_file") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise PayloadTooLargeError(
            f"Fichier de plus de {limit // 1024 // 1024} Mo une fois décompressé."
        )
    return data


def json_body(request: Request) -> Any:
    """The request's JSON; a French 400 for anything else (never Chalice's English one)."""
    try:
        return json.loads(request.raw_body or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("Corps JSON attendu.", code="invalid_json") from None


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def flag(value: str | None) -> bool:
    """A yes/no query parameter, read like the roster's flags; anything else is a 400."""
    try:
        return cells.flag(value or "")
    except cells.CellError:
        raise BadRequestError("Valeur oui/non attendue (true/false, oui/non, 1/0).") from None

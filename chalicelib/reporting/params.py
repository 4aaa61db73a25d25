"""Query parameters of the follow-up routes, checked before any read. Pure.

A bad value is a 400 (``invalid_parameter``) naming the parameter, never the value. The paging
cursor is opaque to clients: the base64url of DynamoDB's ``LastEvaluatedKey`` (JSON); a cursor is
accepted only with exactly the key attributes of the index being read and the department of the
route, so it can neither reach another partition nor make DynamoDB fail.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Mapping
from datetime import date

from chalicelib.domain.enums import YouthStatus
from chalicelib.domain.labels import KIND_LABELS, STATUS_LABELS
from chalicelib.errors import BadRequestError

DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_CURSOR_CHARS = 2048
YOUTH_STATUSES = tuple(YouthStatus)
REFERRAL_STATUSES = tuple(STATUS_LABELS)
REFERRAL_KINDS = tuple(KIND_LABELS)
FORMATS = ("json", "csv")

DynamoKey = dict[str, dict[str, str]]


class InvalidParameterError(BadRequestError):
    code = "invalid_parameter"


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def limit(value: str | None) -> int:
    """Page size: default 50, 1 to 200."""
    if _blank(value):
        return DEFAULT_LIMIT
    text = (value or "").strip()
    if (
        not (text.isascii() and text.isdigit() and len(text) <= 4)
        or not 1 <= int(text) <= MAX_LIMIT
    ):
        raise InvalidParameterError(f"limit : un entier de 1 à {MAX_LIMIT}.")
    return int(text)


def choice(name: str, value: str | None, allowed: Collection[str]) -> str | None:
    """One of ``allowed`` (case and surrounding spaces ignored), or None when absent."""
    if _blank(value):
        return None
    text = (value or "").strip().lower()
    if text not in allowed:
        raise InvalidParameterError(f"{name} : valeurs possibles {', '.join(allowed)}.")
    return text


def day(name: str, value: str | None) -> date | None:
    """An ISO date ``AAAA-MM-JJ``, or None when absent."""
    if _blank(value):
        return None
    text = (value or "").strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidParameterError(f"{name} : date attendue au format AAAA-MM-JJ.") from None


def day_range(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """``majority_from`` / ``majority_to``, both optional, in order."""
    start, end = day("majority_from", first), day("majority_to", last)
    if start and end and start > end:
        raise InvalidParameterError("majority_from doit précéder majority_to.")
    return start, end


def encode_cursor(key: Mapping[str, Mapping[str, str]] | None) -> str | None:
    if not key:
        return None
    text = json.dumps(key, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(
    value: str | None, *, names: Collection[str], fixed: Mapping[str, str]
) -> DynamoKey | None:
    """The ``ExclusiveStartKey`` a cursor stands for; ``fixed`` values must match exactly."""
    if _blank(value):
        return None
    text = (value or "").strip()
    try:
        if len(text) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        key = json.loads(raw.decode("utf-8"))
        _check_key(key, names, fixed)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidParameterError("cursor invalide : reprenez la pagination au début.") from None
    return key


def _check_key(key: object, names: Collection[str], fixed: Mapping[str, str]) -> None:
    if not isinstance(key, dict) or set(key) != set(names):
        raise ValueError("key names")
    for name, typed in key.items():
        if not isinstance(typed, dict) or set(typed) != {"S"} or not isinstance(typed["S"], str):
            raise ValueError("key type")
        if not typed["S"] or len(typed["S"]) > 1024:
            raise ValueError("key value")
        if name in fixed and typed["S"] != fixed[name]:
            raise ValueError("other partition")

"""Spreadsheet-safe CSV (SPEC §4, ``format=csv``). Pure: rows in, text out.

A cell a spreadsheet could read as a formula (first character ``=`` ``+`` ``-`` ``@``, tab or
carriage return, and their full-width forms) gets a leading single quote, as OWASP recommends for
CSV injection; the header is treated the same way. Embedded newlines are kept inside quoted fields.
The text starts with a UTF-8 BOM so that Excel reads accents right, lines end with CRLF, and the
default delimiter is ``;`` (what French Excel expects). Numbers are cells like the others: ``-2``
becomes ``'-2``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from chalicelib.validation import strip_controls

BOM = "\ufeff"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NEUTRALISER = "'"


def to_text(value: object) -> str:
    """A value as cell text: ``None`` → empty, booleans → ``oui``/``non``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def neutralise_cell(value: object) -> str:
    """The cell text without control characters, prefixed with ``'`` when a spreadsheet could
    take it for a formula."""
    text = strip_controls(to_text(value))
    return NEUTRALISER + text if is_dangerous(text) else text


def safe_csv(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str], *, delimiter: str = ";"
) -> str:
    """Header ``columns`` then one line per row (missing keys → empty cells, extra keys ignored)."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow([neutralise_cell(column) for column in columns])
    for row in rows:
        writer.writerow([neutralise_cell(row.get(column)) for column in columns])
    return BOM + buffer.getvalue()

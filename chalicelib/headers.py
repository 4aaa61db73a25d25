"""Header matching: a file's headers → our columns (SPEC §5 "Headers match ignoring case, accents,
spaces, underscores and punctuation, with the synonyms"; a department's own column mapping). Pure.

Deterministic resolution: first the department's mapping (its header → our column), then every
canonical name as such, then the synonyms of the columns still unmatched, in ``spec`` order; a
header serves one column only and, among identical headers, the leftmost wins.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

from chalicelib.errors import MissingColumnsError


def normalize_header(text: str) -> str:
    """``"Né(e) le"`` → ``"neele"``: casefolded, accents, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def accepted_headers(column: str, synonyms: tuple[str, ...]) -> list[str]:
    """What a person may write for ``column``, as they would write it (first letter capital)."""
    shown = [text[:1].upper() + text[1:] for text in synonyms]
    return [*shown, column]


def map_columns(
    headers: list[str],
    spec: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    mapping: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Our column → header index. Raises ``MissingColumnsError`` listing, for every missing
    required column, the headers it accepts."""
    normalized = [normalize_header(header) for header in headers]
    used: set[int] = set()
    found: dict[str, int] = {}

    def take(column: str, name: str) -> bool:
        key = normalize_header(name)
        for index, header in enumerate(normalized):
            if header and header == key and index not in used:
                used.add(index)
                found[column] = index
                return True
        return False

    for their_header, column in (mapping or {}).items():
        if column in spec and column not in found:
            take(column, their_header)
    for column in spec:
        if column not in found:
            take(column, column)
    for column, synonyms in spec.items():
        if column not in found:
            any(take(column, synonym) for synonym in synonyms)
    missing = [column for column in required if column not in found]
    if missing:
        accepted = {column: accepted_headers(column, spec[column]) for column in missing}
        raise MissingColumnsError(missing, accepted)
    return {column: found[column] for column in spec if column in found}


def unmapped_headers(headers: list[str], mapping: dict[str, int]) -> list[str]:
    """Non-empty headers no column was mapped to (to warn that they are ignored)."""
    used = set(mapping.values())
    return [header for index, header in enumerate(headers) if header and index not in used]


def header_test(
    spec: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    mapping: Mapping[str, str] | None = None,
) -> Callable[[list[str]], tuple[bool, int]]:
    """For ``tabular.read_table``: does a row name every required column, and how many known
    columns does it name (to find the header below a title line)."""

    def test(texts: list[str]) -> tuple[bool, int]:
        found = map_columns(texts, spec, (), mapping)
        return all(column in found for column in required), len(found)

    return test

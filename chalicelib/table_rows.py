"""A table's rows as every reader gives them (CSV, XLSX, ODS, XLS: ``chalicelib.tabular``):
each cell as trimmed text without invisible characters, the header row found among the first
rows (SPEC §5: title, date and empty lines above it skipped with a note), then the data rows cut
or padded to the header's width, bounded by the file limits. Pure."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from chalicelib import limits, xlsx
from chalicelib.errors import RelaisError, UnreadableFileError

MAX_COLUMNS = limits.MAX_COLUMNS
_FORMATS = xlsx.FORMATS
# Unicode's format characters (category Cf, Unicode 14): bidi controls (U+202A–202E, U+2066–2069),
# zero-width spaces and joiners, soft hyphen, BOM, tags… One regex: this runs on every cell.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)

Row = tuple[int, list[object]]
# A header row's texts → (names every required column, how many known columns it names)
HeaderTest = Callable[[list[str]], tuple[bool, int]]
HEADER_ROWS = 10  # the header is looked for among the first 10 non-empty rows (SPEC §5)


@dataclass(frozen=True)
class FileNote:
    """Something about the file as a whole worth a warning (not an error)."""

    code: str
    message: str


@dataclass
class FoundHeader:
    headers: list[str]
    rows: Iterator[Row]  # the data rows, from the one after the header
    notes: list[FileNote]


def cell_text(value: object) -> str:
    """A cell as trimmed text: None → "", 612345678.0 → "612345678", dates in ISO form;
    invisible format characters (category Cf: U+202E, U+200B, U+00AD, U+FEFF…) removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return text.strip()


def find_header(records: Iterator[Row], test: HeaderTest | None, kind: str) -> FoundHeader:
    """The header: the first of the first ``HEADER_ROWS`` non-empty rows that names the required
    columns (``test``), else the one naming the most known columns, else the first that names two
    cells. Rows above it (title, date, empty) are skipped with a note; numbers stay as read. A
    defect met while looking ahead is raised where it is, when the rows are read."""
    seen: list[tuple[int, list[str]]] = []
    pending: list[Row] = []
    deferred: RelaisError | None = None
    try:
        for number, cells in records:
            texts = [cell_text(cell) for cell in _trimmed(cells)]
            if not any(texts):
                continue
            if len(texts) > MAX_COLUMNS:
                raise limits.too_many_columns(number)
            pending.append((number, cells))
            seen.append((number, texts))
            if (test(texts)[0] if test else _readable(texts)) or len(seen) == HEADER_ROWS:
                break
    except RelaisError as error:
        if not seen:
            raise
        deferred = error
    chosen = _best_header(seen, test, kind)
    rest: Iterable[Row] = [row for row in pending if row[0] > chosen[0]]
    if deferred is not None:
        rest = itertools.chain(rest, _raising(deferred))
    notes = _skipped_note(seen, chosen[0])
    return FoundHeader(chosen[1], itertools.chain(rest, records), notes)


def _raising(error: RelaisError) -> Iterator[Row]:
    raise error
    yield  # a generator: raises when the rows reach it


def _best_header(
    seen: list[tuple[int, list[str]]], test: HeaderTest | None, kind: str
) -> tuple[int, list[str]]:
    if not seen:
        if kind == "CSV":
            raise UnreadableFileError("Le fichier ne contient aucune ligne lisible.")
        raise UnreadableFileError("La première feuille du classeur est vide.")
    if any(_has_control(text) for text in seen[0][1]):
        readable = []  # binary garbage first: not a table with a title line
    else:
        readable = [(number, texts) for number, texts in seen if _readable(texts)]
    if test is not None:
        scored = [(test(texts), number, texts) for number, texts in readable]
        complete = [(number, texts) for (ok, _), number, texts in scored if ok]
        if complete:
            return complete[0]
        best = max((known for (_, known), _, _ in scored), default=0)
        if best:
            return next((n, t) for (_, known), n, t in scored if known == best)
    if readable and (test is None or readable[0][0] == seen[0][0]):
        return readable[0]  # the first readable row: the missing columns will be named
    raise UnreadableFileError(
        f"Ligne d'en-tête illisible : aucune des {HEADER_ROWS} premières lignes de ce fichier "
        f"{kind} ne nomme les colonnes ({_FORMATS})."
    )


def _readable(texts: list[str]) -> bool:
    """Could be a header: two named cells at least, no control characters (binary garbage)."""
    return sum(1 for text in texts if text) >= 2 and not any(_has_control(t) for t in texts)


def _skipped_note(seen: list[tuple[int, list[str]]], header_row: int) -> list[FileNote]:
    above = [number for number, _ in seen if number < header_row]
    if header_row == 1 or not above:
        return []
    return [
        FileNote(
            "header_not_first",
            f"En-tête des colonnes lu à la ligne {header_row} : les lignes au-dessus (titre, "
            "date ou lignes vides) ont été ignorées ; les numéros de ligne sont ceux du fichier.",
        )
    ]


def data_rows(records: Iterator[Row], width: int) -> Iterator[Row]:
    count = 0
    for number, cells in records:
        end = _filled_width(cells)
        if end > MAX_COLUMNS:
            raise limits.too_many_columns(number)
        if not end:  # no filled cell
            continue
        count += 1
        if count > limits.MAX_ROWS:
            raise limits.too_many_rows()
        # one copy of each row (the reader may reuse its lists)
        yield number, cells[:width] if end >= width else [*cells[:end], *([None] * (width - end))]


def _trimmed(cells: list[object] | tuple[object, ...]) -> list[object]:
    return list(cells[: _filled_width(cells)])


def _filled_width(cells: list[object] | tuple[object, ...]) -> int:
    """The cells up to the last filled one."""
    end = len(cells)
    while end and not _filled(cells[end - 1]):
        end -= 1
    return end


def _filled(cell: object) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text)

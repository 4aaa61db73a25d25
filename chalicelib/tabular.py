"""Uploaded bytes → a header and lazily read rows (SPEC §5: CSV or XLSX). Pure, no I/O.

CSV: separator ``;``, ``,`` or tab, detected on the header line; UTF-8 with or without BOM, else
Windows-1252. XLSX: first worksheet, cell types kept (str, int, float, datetime, date, bool, None).
Rows are numbered as the spreadsheet shows them (header = row 1, or the row where the header is when
leading rows are empty); fully empty rows are skipped but keep their number. Every row list has
exactly ``len(headers)`` cells (cells beyond the header are extra columns, ignored).

Problems with the file as a whole raise ``UnreadableFileError``; a CSV defect met while streaming
(a cell above ``MAX_CELL_CHARS``, a line above ``MAX_LINE_CHARS`` or ``MAX_COLUMNS``) raises it too,
from the row iterator, naming the row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from chalicelib.errors import MissingColumnsError, UnreadableFileError

MAX_COLUMNS = 1000
MAX_CELL_CHARS = 65_536
MAX_LINE_CHARS = 1_000_000
_SEPARATORS = (";", ",", "\t")  # on a tie, the first wins (French Excel writes ";")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_FORMATS = "envoyez un CSV (séparateur « ; » ou « , ») ou un classeur XLSX"

Row = tuple[int, list[object]]


@dataclass
class Table:
    """The header cells (as written, trimmed) and an iterator of ``(row_number, cells)``."""

    headers: list[str]
    rows: Iterator[Row]


def normalize_header(text: str) -> str:
    """``"Né(e) le"`` → ``"neele"``: casefolded, accents, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def cell_text(value: object) -> str:
    """A cell as trimmed text: None → "", 612345678.0 → "612345678", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def map_columns(
    headers: list[str], spec: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> dict[str, int]:
    """Canonical column name → header index, comparing normalised names.

    Deterministic resolution: first every canonical name is looked for as such, then the synonyms
    of the columns still unmatched, in ``spec`` order; a header serves one column only and, among
    identical headers, the leftmost wins. Raises ``MissingColumnsError`` listing every missing
    required column.
    """
    normalized = [normalize_header(header) for header in headers]
    used: set[int] = set()
    mapping: dict[str, int] = {}

    def take(column: str, name: str) -> bool:
        key = normalize_header(name)
        for index, header in enumerate(normalized):
            if header and header == key and index not in used:
                used.add(index)
                mapping[column] = index
                return True
        return False

    for column in spec:
        take(column, column)
    for column, synonyms in spec.items():
        if column not in mapping:
            any(take(column, synonym) for synonym in synonyms)
    missing = [column for column in required if column not in mapping]
    if missing:
        raise MissingColumnsError(missing)
    return {column: mapping[column] for column in spec if column in mapping}


def unmapped_headers(headers: list[str], mapping: dict[str, int]) -> list[str]:
    """Non-empty headers no column was mapped to (to warn that they are ignored)."""
    used = set(mapping.values())
    return [header for index, header in enumerate(headers) if header and index not in used]


def read_table(data: bytes) -> Table:
    """Read the header eagerly (file-level problems raise here) and stream the rows."""
    if not data or not data.strip():
        raise UnreadableFileError("Le fichier est vide.")
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE2_MAGIC):
        raise UnreadableFileError(
            "Ancien format Excel (.xls) ou classeur protégé par mot de passe : "
            "enregistrez le fichier au format .xlsx ou CSV."
        )
    if data.startswith(b"%PDF"):
        raise UnreadableFileError(f"Un PDF n'est pas un fichier de données : {_FORMATS}.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(
            "Encodage UTF-16 non pris en charge : enregistrez en « CSV UTF-8 » ou en XLSX."
        )
    if b"\x00" in data:
        raise UnreadableFileError(f"Fichier binaire non reconnu : {_FORMATS}.")
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    encoding = _encoding_of(data)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    separator = _separator_of(stream)
    stream.seek(0)
    csv.field_size_limit(MAX_CELL_CHARS)
    records = _csv_records(csv.reader(_bounded_lines(stream), delimiter=separator))
    headers = _header(records, from_csv=True)
    return Table(headers, _data_rows(records, len(headers)))


def _encoding_of(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        raise UnreadableFileError(
            "Encodage non reconnu : enregistrez le fichier en CSV (UTF-8 ou Windows-1252) ou XLSX."
        ) from None


def _separator_of(stream: io.TextIOWrapper) -> str:
    """The separator that occurs most, outside quotes, on the first non-blank line."""
    line = ""
    for candidate in stream:
        if candidate.strip():
            line = candidate[:MAX_LINE_CHARS]
            break
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise UnreadableFileError(
            "Séparateur de colonnes introuvable sur la ligne d'en-tête : "
            f"la première ligne doit nommer les colonnes ; {_FORMATS}."
        )
    return best


def _bounded_lines(stream: io.TextIOWrapper) -> Iterator[str]:
    for line in stream:
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableFileError(
                "Ligne démesurément longue : le fichier n'est pas un tableau."
            )
        yield line


def _csv_records(reader: Iterable[list[str]]) -> Iterator[Row]:
    iterator = iter(reader)
    number = 0
    while True:
        number += 1
        try:
            record = next(iterator)
        except StopIteration:
            return
        except csv.Error:
            raise UnreadableFileError(
                f"CSV illisible à la ligne {number} (cellule de plus de {MAX_CELL_CHARS} "
                "caractères ou guillemets mal fermés)."
            ) from None
        yield number, record


def _header(records: Iterator[Row], *, from_csv: bool) -> list[str]:
    for _number, cells in records:
        texts = [cell_text(cell) for cell in _trimmed(cells)]
        if not any(texts):
            continue
        if len(texts) > MAX_COLUMNS:
            raise UnreadableFileError(f"Ligne d'en-tête de plus de {MAX_COLUMNS} colonnes.")
        named = [text for text in texts if text]
        garbage = any(_has_control(text) for text in named)
        if len(named) < 2 or garbage:
            raise UnreadableFileError(
                "Ligne d'en-tête illisible : la première ligne doit nommer les colonnes "
                f"({_FORMATS})."
            )
        return texts
    if from_csv:
        raise UnreadableFileError("Le fichier ne contient aucune ligne lisible.")
    raise UnreadableFileError("La première feuille du classeur est vide.")


def _data_rows(records: Iterator[Row], width: int) -> Iterator[Row]:
    for number, cells in records:
        cells = _trimmed(cells)
        if len(cells) > MAX_COLUMNS:
            raise UnreadableFileError(f"Ligne {number} : plus de {MAX_COLUMNS} colonnes.")
        if not any(_filled(cell) for cell in cells):
            continue
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        yield number, cells[:width]


def _trimmed(cells: list[object] | tuple[object, ...]) -> list[object]:
    end = len(cells)
    while end and not _filled(cells[end - 1]):
        end -= 1
    return list(cells[:end])


def _filled(cell: object) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return True


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text)


def _read_xlsx(data: bytes) -> Table:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors…)
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur XLSX lisible : {_FORMATS}."
        ) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFileError("Le classeur ne contient aucune feuille de calcul.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a stale <dimension> would pad every row to thousands of cells
        records = _xlsx_records(sheet.iter_rows(values_only=True))
        headers = _header(records, from_csv=False)
    except BaseException:
        workbook.close()
        raise
    return Table(headers, _closing(_data_rows(records, len(headers)), workbook))


def _xlsx_records(rows: Iterable[tuple[object, ...]]) -> Iterator[Row]:
    iterator = iter(rows)
    number = 0
    while True:
        number += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cells = next(iterator)
        except StopIteration:
            return
        except (UnreadableFileError, MemoryError):
            raise
        except Exception:  # corrupt sheet XML, broken shared strings, bad zip member…
            raise UnreadableFileError(
                f"Classeur XLSX endommagé (ligne {number} illisible) : {_FORMATS}."
            ) from None
        if len(cells) > MAX_COLUMNS and any(_filled(cell) for cell in cells[MAX_COLUMNS:]):
            raise UnreadableFileError(f"Ligne {number} : plus de {MAX_COLUMNS} colonnes.")
        yield number, list(cells[:MAX_COLUMNS])


def _closing(rows: Iterator[Row], workbook: object) -> Iterator[Row]:
    try:
        yield from rows
    finally:
        workbook.close()  # type: ignore[attr-defined]


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "Table",
    "cell_text",
    "map_columns",
    "normalize_header",
    "read_table",
    "unmapped_headers",
]

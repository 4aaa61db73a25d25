"""XLSX (first worksheet) → rows, guarded against hostile workbooks (SPEC §5.1 "Limits"). Pure.

Before anything is inflated: the zip central directory's declared sizes (a part that inflates
beyond 100 MB is refused; a part lying about its size fails its CRC instead of inflating further),
then the shared strings are counted on the raw bytes (``<si>`` tags), then the sheet's declared
``<dimension>``. Rows are then streamed with openpyxl's sheet parser, which yields each ``<row>``
with its own number: a lone cell at row 8,000,000 is refused when met, without producing the
empty rows before it (openpyxl's ``iter_rows`` would).
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from chalicelib import limits
from chalicelib.errors import UnreadableFileError

FORMATS = "envoyez un CSV (séparateur « ; » ou « , ») ou un classeur XLSX"
_SHARED_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?si[\s>/]")
_UNIQUE_COUNT = re.compile(rb"uniqueCount=\"(\d+)\"")
_CHUNK = 1 << 20

Cells = list[object]


def damaged(where: str = "") -> UnreadableFileError:
    return UnreadableFileError(f"Classeur XLSX endommagé{where} : {FORMATS}.")


def open_archive(source: IO[bytes]) -> zipfile.ZipFile:
    """The zip, once its declared sizes are within the limit."""
    try:
        archive = zipfile.ZipFile(source)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur XLSX lisible : {FORMATS}."
        ) from None
    if sum(member.file_size for member in members) > limits.MAX_INFLATED_BYTES:
        raise limits.inflated_too_large()
    return archive


def count_shared_strings(archive: zipfile.ZipFile) -> int:
    """Shared strings counted on the raw XML (no parse); refused beyond the limit."""
    names = [n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")]
    total = 0
    for name in names:
        tail = b""
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                window = tail + chunk
                declared = _UNIQUE_COUNT.search(window[:4096]) if total == 0 else None
                if declared and int(declared.group(1)) > limits.MAX_SHARED_STRINGS:
                    raise limits.too_many_strings()
                matches = list(_SHARED_TAG.finditer(window))
                total += len(matches)
                # a tag cut by the chunk boundary is completed next time; a counted one never is
                start = matches[-1].end() if matches else 0
                tail = window[max(start, len(window) - 16) :]
                if total > limits.MAX_SHARED_STRINGS:
                    raise limits.too_many_strings()
    return total


def first_sheet_rows(source: IO[bytes]) -> tuple[Iterator[tuple[int, Cells]], Any]:
    """``(rows, workbook)``: each ``<row>`` as ``(number, cells)``; close the workbook when
    done. Every check of the module docstring runs before the first row is parsed."""
    with open_archive(source) as archive:
        count_shared_strings(archive)
    source.seek(0)
    workbook = _load(source)
    try:
        if not workbook.worksheets:
            raise UnreadableFileError("Le classeur ne contient aucune feuille de calcul.")
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
    except BaseException:
        workbook.close()
        raise
    return _rows(sheet, workbook), workbook


def _load(source: IO[bytes]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from openpyxl import load_workbook

            return load_workbook(source, read_only=True, data_only=True)
    except limits.FileLimitError:
        raise
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors…)
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur XLSX lisible : {FORMATS}."
        ) from None


def _rows(sheet: Any, workbook: Any) -> Iterator[tuple[int, Cells]]:
    from openpyxl.worksheet._reader import WorkSheetParser

    number = 0
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            rows = parser.parse()
            while True:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        number, cells = next(rows)
                except StopIteration:
                    return
                if number > limits.MAX_ROWS + 1:
                    raise limits.too_many_rows()
                yield number, _values(number, cells)
    except (UnreadableFileError, limits.FileLimitError, MemoryError):
        raise
    except Exception:  # corrupt sheet XML, bad shared-string index, CRC error of a lying part…
        raise damaged(f" (ligne {number + 1} illisible)") from None


def _values(number: int, cells: list[dict]) -> Cells:
    """The row's values by column (1-based ``column`` of each parsed cell)."""
    values: Cells = []
    for cell in cells:
        value, column = cell.get("value"), int(cell["column"])
        if value is None or value == "":
            continue
        if column > limits.MAX_COLUMNS:
            raise limits.too_many_columns(number)
        if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(number)
        if column > len(values):
            values.extend([None] * (column - len(values)))
        values[column - 1] = value
    return values

"""XLSX (first worksheet) → rows, guarded against hostile workbooks (SPEC §5.1 "Limits"). Pure.

Before anything is inflated: the zip central directory's declared sizes (a part that inflates
beyond 100 MB is refused; a part lying about its size fails its CRC instead of inflating further),
then the shared strings are counted on the raw bytes (``<si>`` tags), then the sheet's declared
``<dimension>``. Rows are then streamed by ``chalicelib.xlsx_sheet`` (expat, C speed), each
``<row>`` with its own number: a lone cell at row 8,000,000 is refused when met, without producing
the empty rows before it. openpyxl is only used to write workbooks (exports).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from chalicelib import limits
from chalicelib.errors import UnreadableFileError
from chalicelib.xlsx_parts import Workbook, read_workbook
from chalicelib.xlsx_sheet import Cells, sheet_rows

FORMATS = "envoyez un CSV (séparateur « ; » ou « , ») ou un classeur XLSX, ODS ou XLS"
_SHARED_TAG = re.compile(rb"<(?:[A-Za-z0-9_]+:)?si[\s>/]")
_UNIQUE_COUNT = re.compile(rb"uniqueCount=\"(\d+)\"")
_CHUNK = 1 << 20
_HEAD = 64 * 1024  # where a sheet's <dimension> is, before its rows
_DIMENSION = re.compile(rb"<(?:[A-Za-z0-9_]+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


def damaged(where: str = "") -> UnreadableFileError:
    return UnreadableFileError(f"Classeur XLSX endommagé{where} : {FORMATS}.")


def open_archive(source: IO[bytes], kind: str = "XLSX") -> zipfile.ZipFile:
    """The zip (an XLSX or ODS workbook), once its declared sizes are within the limit."""
    try:
        archive = zipfile.ZipFile(source)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur {kind} lisible : {FORMATS}."
        ) from None
    if sum(member.file_size for member in members) > limits.MAX_INFLATED_BYTES:
        archive.close()
        raise limits.inflated_too_large(kind)
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
    """``(rows, archive)``: each ``<row>`` as ``(number, cells)``; close the archive when done.
    Every check of the module docstring runs before the first row is parsed."""
    archive = open_archive(source)
    try:
        count_shared_strings(archive)
        workbook = _workbook(archive)
        with archive.open(workbook.sheet) as part:
            head = part.read(_HEAD)
        declared = _DIMENSION.search(head)
        if declared and int(declared.group(1) or 1) > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
    except BaseException:
        archive.close()
        raise
    return _rows(archive, workbook), archive


def _workbook(archive: zipfile.ZipFile) -> Workbook:
    """The first worksheet, its shared strings and date styles (``chalicelib.xlsx_parts``)."""
    try:
        workbook = read_workbook(archive)
    except (limits.FileLimitError, MemoryError):
        raise
    except Exception:  # a missing part, broken XML, a CRC error, a non-numeric style id…
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur XLSX lisible : {FORMATS}."
        ) from None
    if not workbook.sheet or workbook.sheet not in archive.NameToInfo:
        raise UnreadableFileError("Le classeur ne contient aucune feuille de calcul.")
    return workbook


def _rows(archive: zipfile.ZipFile, workbook: Workbook) -> Iterator[tuple[int, Cells]]:
    number = 0
    try:
        for number, cells in sheet_rows(archive, workbook):
            yield number, cells
    except (UnreadableFileError, limits.FileLimitError, MemoryError):
        raise
    except Exception:  # corrupt sheet XML, bad shared-string index, CRC error of a lying part…
        raise damaged(f" (ligne {number + 1} illisible)") from None

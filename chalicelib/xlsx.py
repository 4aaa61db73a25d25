"""XLSX (first worksheet) → rows, guarded against hostile workbooks (SPEC §5.1 "Limits"). Pure.

Before anything is inflated: the zip central directory's declared sizes (a part that inflates
beyond 100 MB is refused; a part lying about its size fails its CRC instead of inflating further),
then the shared strings are counted on the raw bytes (``<si>`` tags), then the sheet's declared
``<dimension>``. Rows are then streamed with openpyxl's sheet parser, which yields each ``<row>``
with its own number: a lone cell at row 8,000,000 is refused when met, without producing the
empty rows before it (openpyxl's ``iter_rows`` would).
"""

from __future__ import annotations

import functools
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
_HEAD = 64 * 1024  # where a sheet's <dimension> is, before its rows
_DIMENSION = re.compile(rb"<(?:[A-Za-z0-9_]+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")

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
    """``(rows, archive)``: each ``<row>`` as ``(number, cells)``; close the archive when done.
    Every check of the module docstring runs before the first row is parsed."""
    with open_archive(source) as archive:
        count_shared_strings(archive)
    source.seek(0)
    reader, path = _workbook(source)
    try:
        head = reader.archive.open(path).read(_HEAD)
        declared = _DIMENSION.search(head)
        if declared and int(declared.group(1) or 1) > limits.MAX_ROWS + 1:
            raise limits.too_many_rows()
    except BaseException:
        reader.archive.close()
        raise
    return _rows(reader, path), reader.archive


def _workbook(source: IO[bytes]) -> tuple[Any, str]:
    """openpyxl's reader up to the styles (shared strings, date formats) and the first sheet's
    part, without ``load_workbook``'s worksheets: each of those reads its whole sheet once when
    the sheet has no ``<dimension>``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from openpyxl.reader.excel import ExcelReader
            from openpyxl.styles.stylesheet import apply_stylesheet

            reader = ExcelReader(source, read_only=True, data_only=True)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            found = reader.parser.find_sheets()
            sheets = [rel.target for _, rel in found if "worksheet" in rel.Type]
    except limits.FileLimitError:
        raise
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, XML errors…)
        raise UnreadableFileError(
            f"Archive ZIP qui n'est pas un classeur XLSX lisible : {FORMATS}."
        ) from None
    if not sheets:
        reader.archive.close()
        raise UnreadableFileError("Le classeur ne contient aucune feuille de calcul.")
    return reader, sheets[0].lstrip("/")


def _rows(reader: Any, path: str) -> Iterator[tuple[int, Cells]]:
    number = 0
    try:
        with reader.archive.open(path) as source:
            parser = _parser_class()(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=reader.wb.epoch,
                date_formats=reader.wb._date_formats,
                timedelta_formats=reader.wb._timedelta_formats,
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


@functools.cache  # openpyxl is imported on first use: most Lambdas never read a workbook
def _parser_class() -> type:
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    inline, run, text = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("is", "r", "t"))

    class LeanParser(WorkSheetParser):  # type: ignore[misc]
        """openpyxl's sheet parser, reading inline strings (what many exporters write) as
        plain text: its generic rich-text objects cost more than the rest of the cell."""

        def parse_cell(self, element: Any) -> dict:
            if element.get("t") != "inlineStr":
                return super().parse_cell(element)
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            child = element.find(inline)
            parts = (
                []
                if child is None
                else [child.findtext(text) or ""]
                + [node.findtext(text) or "" for node in child.findall(run)]
            )
            value = "".join(parts) or None
            return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": 0}

    return LeanParser


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

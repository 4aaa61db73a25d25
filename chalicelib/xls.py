"""XLS (Excel 97–2003, what older tools save) first sheet → rows, within bounded time and memory
(SPEC §5, §10). Pure.

Read by ``xlrd`` (pure Python, the reader pandas uses for ``.xls``), first sheet only
(``on_demand``), without formatting. Measured on the largest sheet an XLS can hold for a roster
(65,000 rows × 20 columns, 17 MB, written by LibreOffice): xlrd peaks at 74 MB where
python-calamine holds 166 MB. xlrd reads the whole sheet, so the file's size is the bound:
beyond ``MAX_XLS_BYTES`` it is refused before it is parsed. The format itself caps a sheet at
65,536 rows and 256 columns; cells beyond 200 columns or 1,000 characters are refused as in XLSX.

Values as the XLSX reader gives them: numbers as int or float, date cells as ``datetime`` (``time``
below one day; the 1900 and 1904 systems), booleans, errors as their text (``#N/A``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, time
from typing import IO, Any

from chalicelib import limits, xlsx
from chalicelib.errors import UnreadableFileError

MAX_XLS_BYTES = 20 * 1024 * 1024  # a full 65,000-row roster sheet is ~17 MB
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# xlrd's cell types (XL_CELL_*), here so that importing this module does not import xlrd
_EMPTY, _TEXT, _NUMBER, _DATE, _BOOLEAN, _ERROR, _BLANK = range(7)


def first_sheet_rows(source: IO[bytes]) -> Iterator[tuple[int, list[object]]]:
    """The first sheet's rows, numbered as the spreadsheet shows them (empty rows skipped)."""
    data = source.read(MAX_XLS_BYTES + 1)
    if len(data) > MAX_XLS_BYTES:
        raise limits.FileLimitError(
            "Classeur XLS de plus de 20 Mo : enregistrez-le au format XLSX ou CSV.",
            code="file_too_large",
        )
    sheet, datemode = _first_sheet(data)
    del data
    return _rows(sheet, datemode)


def _first_sheet(data: bytes) -> tuple[Any, int]:
    import xlrd  # 28 ms: only the uploads of an XLS pay it

    try:
        book = xlrd.open_workbook(
            file_contents=data, on_demand=True, formatting_info=False, logfile=io.StringIO()
        )
        if book.nsheets < 1:
            raise UnreadableFileError("Le classeur ne contient aucune feuille de calcul.")
        return book.sheet_by_index(0), book.datemode
    except UnreadableFileError:
        raise
    except Exception as error:  # xlrd's XLRDError, CompDocError, struct errors of a bad file
        if "encrypted" in str(error).lower() or "workbook" in str(error).lower():
            raise UnreadableFileError(
                "Classeur protégé par mot de passe, ou ancien format Excel illisible : retirez "
                "la protection, ou enregistrez-le au format XLSX ou CSV."
            ) from None
        raise UnreadableFileError(f"Classeur XLS endommagé : {xlsx.FORMATS}.") from None


def _rows(sheet: Any, datemode: int) -> Iterator[tuple[int, list[object]]]:
    """``sheet``: xlrd's first sheet."""
    for index in range(sheet.nrows):
        types = sheet.row_types(index)
        values = sheet.row_values(index)
        if len(values) > limits.MAX_COLUMNS and any(values[limits.MAX_COLUMNS :]):
            raise limits.too_many_columns(index + 1)
        cells = [
            _value(kind, value, datemode, index + 1)
            for kind, value in zip(types, values, strict=True)
        ]
        yield index + 1, cells


def _value(kind: int, value: object, datemode: int, row: int) -> object:
    if kind in (_EMPTY, _BLANK):
        return None
    if kind == _TEXT:
        if len(value) > limits.MAX_CELL_CHARS:  # type: ignore[arg-type]
            raise limits.cell_too_long(row)
        return value
    if kind == _NUMBER:
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == _DATE:
        return _date(float(value), datemode)  # type: ignore[arg-type]
    if kind == _BOOLEAN:
        return bool(value)
    if kind == _ERROR:
        from xlrd import error_text_from_code

        return error_text_from_code.get(value, "#VALUE!")
    return value


def _date(serial: float, datemode: int) -> object:
    import xlrd

    try:
        found: datetime = xlrd.xldate.xldate_as_datetime(serial, datemode)
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return "#VALUE!"
    if serial < 1:
        return time(found.hour, found.minute, found.second)
    return found

"""Hostile and oversized files are refused before the expensive work, in French (SPEC §5.1
limits, §10). Small stand-ins here; ``make bench`` builds the real-size ones and measures them."""

from __future__ import annotations

import io
import zipfile

import pytest

from chalicelib import limits, xlsx
from chalicelib.limits import FileLimitError
from chalicelib.roster.parsing import parse_roster
from chalicelib.tabular import read_table
from tests.unit.roster_files import TODAY, roster_csv, table_xlsx, youth_row

SHEET = "xl/worksheets/sheet1.xml"


def _parts(source: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_xlsx_inflating_beyond_100_mb_is_refused_from_its_zip_directory():
    parts = _parts(table_xlsx(["id", "nom"], [["1", "Zoé"]]))
    parts["xl/media/padding.bin"] = b"\0" * (limits.MAX_INFLATED_BYTES + 1)
    bomb = _zip(parts)
    assert len(bomb) < 1_000_000
    with pytest.raises(FileLimitError) as caught:
        read_table(bomb)
    assert (caught.value.status, caught.value.code) == (413, "file_too_large")
    assert "100 Mo une fois décompressé" in caught.value.message


def test_a_row_beyond_the_limit_is_refused_when_met_without_the_rows_before_it():
    parts = _parts(table_xlsx(["id", "nom"], [["1", "Zoé"]]))
    far = limits.MAX_ROWS + 2
    parts[SHEET] = (
        parts[SHEET]
        .replace(
            b"</sheetData>",
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
            % (far, far),
        )
        .replace(b'<dimension ref="A1:B2" />', b"")
    )
    table = read_table(_zip(parts))
    with pytest.raises(FileLimitError) as caught:
        list(table.rows)
    assert caught.value.code == "too_many_rows"


def test_a_shared_string_table_declaring_too_many_strings_is_refused_before_it_is_loaded():
    parts = _parts(table_xlsx(["id", "nom"], [["1", "Zoé"]]))
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="2000000" uniqueCount="2000000"><si><t>a</t></si></sst>'
    )
    with pytest.raises(FileLimitError) as caught:
        read_table(_zip(parts))
    assert caught.value.code == "too_many_strings"


def test_shared_strings_are_counted_exactly_across_read_chunks():
    count = 120_000  # about 2.5 MB of XML: several 1 MB chunks
    body = b"".join(b"<si><t>s%d</t></si>" % n for n in range(count))
    parts = {"xl/sharedStrings.xml": b"<sst>" + body + b"</sst>"}
    with zipfile.ZipFile(io.BytesIO(_zip(parts))) as archive:
        assert xlsx.count_shared_strings(archive) == count


def test_a_csv_beyond_100000_data_rows_is_refused_before_any_row_is_validated():
    header = roster_csv([youth_row()]).split(b"\r\n", 1)[0]
    data = header + b"\r\n" + b"x;y\r\n" * (limits.MAX_ROWS + 1)
    with pytest.raises(FileLimitError) as caught:
        read_table(data)
    assert (caught.value.status, caught.value.code) == (413, "too_many_rows")


def test_a_csv_of_exactly_100000_rows_is_read():
    data = b"a;b\r\n" + b"x;y\r\n" * limits.MAX_ROWS
    assert sum(1 for _ in read_table(data).rows) == limits.MAX_ROWS


def test_the_errors_kept_are_capped_and_the_rest_counted():
    rows = [youth_row(id_externe=f"E{n}", code_commune="ABCDE") for n in range(1_500)]
    result = parse_roster(roster_csv(rows), department="59", today=TODAY)
    assert len(result.rejected) == limits.MAX_STORED_ERRORS
    assert (result.rejected_total, result.rejected_rows) == (1_500, 1_500)
    assert len(result.rejected_ids) == 1_500  # every rejected youth is still kept, not exited

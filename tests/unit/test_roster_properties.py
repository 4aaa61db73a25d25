"""Whatever bytes or cells arrive, the roster parser answers with a result or a RelaisError.

Properties checked on every generated file: no other exception escapes; every rejected row has a
row number, a known column, a snake_case code and a message; records, rejected rows and skipped
children add up to the data rows; no message ever repeats a cell (cells carry a "§" marker).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import RelaisError
from chalicelib.roster.parsing import COLUMNS, RosterParse, parse_roster
from tests.unit.roster_files import TODAY, roster_xlsx, table_csv

FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HEADERS = list(COLUMNS)
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")
MARKER = "§"

plausible = st.sampled_from(
    [
        "",
        "oui",
        "non",
        "x",
        "15/07/2008",
        "2008-07-15",
        "01/01/2012",
        "31/02/2008",
        "59350",
        "75015",
        "2A004",
        "06 12 34 56 78",
        "0639 01 23 45",
        "ref@cd59.fr",
        "En cours",
        "Lefèvre",
        "A1",
        "A2",
    ]
)
noise = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], max_codepoint=0x2FFF), max_size=40
).map(lambda text: MARKER + text)
huge = st.integers(min_value=150, max_value=70_000).map(lambda n: MARKER + "x" * n)
cell = st.one_of(plausible, plausible, noise, huge)
departments = st.sampled_from(["59", "75", "2A", "971", "974", "976"])


def check(data: bytes, department: str, today: date = TODAY) -> RosterParse | None:
    try:
        result = parse_roster(data, department=department, today=today)
    except RelaisError as error:
        assert error.message and error.status == 400
        assert MARKER not in error.message
        return None
    rejected_rows = {error.row for error in result.rejected}
    assert len(result.records) + len(rejected_rows) + result.skipped_too_young == result.rows
    for error in result.rejected:
        assert error.row >= 2
        assert error.column in COLUMNS
        assert SNAKE.match(error.code)
        assert error.message and MARKER not in error.message
    # warnings never quote a cell; only the ignored-columns warning names headers (not data)
    assert all(
        MARKER not in warning.message
        for warning in result.warnings
        if warning.code != "ignored_columns"
    )
    ids = [record.id_externe for record in result.records]
    assert len(ids) == len(set(ids))
    assert not set(ids) & result.rejected_ids
    return result


@FAST
@given(data=st.binary(max_size=2000), department=departments)
def test_arbitrary_bytes_give_a_result_or_a_relais_error(data, department):
    check(data, department)


@FAST
@given(
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"%PDF", b"\xd0\xcf\x11\xe0"]),
    tail=st.binary(max_size=500),
)
def test_arbitrary_bytes_behind_a_known_magic_give_a_result_or_a_relais_error(prefix, tail):
    check(prefix + tail, "59")


@FAST
@given(
    rows=st.lists(st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=8),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    department=departments,
)
def test_arbitrary_cells_in_a_csv_give_a_result_or_a_relais_error(rows, sep, encoding, department):
    text = table_csv(HEADERS, rows, sep=sep, encoding="utf-8").decode("utf-8")
    data = text.encode(encoding, errors="replace")
    result = check(data, department)
    if result is not None:
        assert result.rows <= len(rows)


@FAST
@given(
    rows=st.lists(st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=5),
    # b"\xa7" is the marker itself in Windows-1252: junk must not forge the marker the check
    # looks for (it proves that no message quotes a cell, so it must come from cells only)
    junk=st.binary(min_size=1, max_size=20).filter(lambda junk: b"\xa7" not in junk),
    where=st.floats(min_value=0, max_value=1),
)
def test_broken_encodings_give_a_result_or_a_relais_error(rows, junk, where):
    data = table_csv(HEADERS, rows, encoding="utf-8")
    cut = int(len(data) * where)
    check(data[:cut] + junk + data[cut:], "59")


typed_cell = st.one_of(
    plausible,
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20).map(
        lambda text: MARKER + text
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
    st.times(),
    st.booleans(),
    st.none(),
)


@settings(FAST, max_examples=40)
@given(
    rows=st.lists(
        st.fixed_dictionaries({column: typed_cell for column in HEADERS}), min_size=1, max_size=4
    ),
    department=departments,
)
def test_arbitrary_typed_cells_in_an_xlsx_give_a_result_or_a_relais_error(rows, department):
    check(roster_xlsx(rows, headers={}), department)


@FAST
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "id_externe": st.sampled_from(["A1", "A2", "A3", ""]),
                "nom": st.sampled_from(["Lefèvre", "L3", ""]),
                "prenom": st.just("Zoé"),
                "date_naissance": st.sampled_from(
                    ["15/07/2008", "01/01/2012", "01/01/2000", "01/01/2030", "bad"]
                ),
                "code_commune": st.sampled_from(["59350", "75015", "13008"]),
                "referent_email": st.sampled_from(["ref@cd59.fr", "ref"]),
            }
        ),
        max_size=12,
    ),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
)
def test_duplicates_ages_and_errors_always_add_up(rows, today):
    data = table_csv(HEADERS[:6], [list(row.values()) for row in rows])
    result = check(data, "59", today)
    assert result is not None and result.rows == len(rows)

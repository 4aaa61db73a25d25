"""Spreadsheet-safe CSV export (SPEC §4, ``format=csv``)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.reporting.export import BOM, DANGEROUS_PREFIXES, neutralise_cell, safe_csv
from chalicelib.validation import strip_controls

OWASP_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def parse(text: str, delimiter: str = ";") -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline=""), delimiter=delimiter))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","clic")', '\'=HYPERLINK("http://evil.example","clic")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        (-2, "'-2"),  # numbers are neutralised too
        ("Dupont", "Dupont"),
        ("a=b", "a=b"),  # only the first character matters
        (" =1", " =1"),
        ("'=1", "'=1"),  # already quoted: left as is
        ("", ""),
        (None, ""),
        (42, "42"),
        (True, "oui"),
        (False, "non"),
        (date(2026, 3, 1), "2026-03-01"),
        (datetime(2026, 3, 1, 9, 30), "2026-03-01T09:30:00"),
    ],
)
def test_a_cell_that_could_be_a_formula_is_neutralised(value, expected):
    assert neutralise_cell(value) == expected


def test_the_csv_starts_with_a_bom_and_uses_semicolons_and_crlf():
    text = safe_csv([{"id": "A1", "statut": "Envoyé"}], ["id", "statut"])
    assert text == "\ufeffid;statut\r\nA1;Envoyé\r\n"


def test_missing_keys_give_empty_cells_and_extra_keys_are_ignored():
    text = safe_csv([{"b": 2, "z": "ignored"}], ["a", "b"])
    assert parse(text) == [["a", "b"], ["", "2"]]


def test_formula_payloads_are_neutralised_in_the_output():
    payloads = ['=HYPERLINK("http://evil.example";"x")', "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
    text = safe_csv([{"cell": payload} for payload in payloads], ["cell"])
    rows = parse(text)
    assert [row[0] for row in rows[1:]] == ["'" + payload for payload in payloads]


def test_embedded_newlines_and_delimiters_stay_inside_one_quoted_cell():
    text = safe_csv([{"a": "ligne 1\nligne 2", "b": "x;y", "c": 'dit "oui"'}], ["a", "b", "c"])
    assert '"ligne 1\nligne 2"' in text
    assert parse(text) == [["a", "b", "c"], ["ligne 1\nligne 2", "x;y", 'dit "oui"']]


def test_a_dangerous_header_is_neutralised_too():
    assert parse(safe_csv([], ["=cmd"]))[0] == ["'=cmd"]


def test_another_delimiter_can_be_chosen():
    text = safe_csv([{"a": "1;2", "b": "-3"}], ["a", "b"], delimiter=",")
    assert parse(text, delimiter=",") == [["a", "b"], ["1;2", "'-3"]]


def test_the_neutralised_prefixes_include_owasp_ones():
    assert set(OWASP_DANGEROUS) <= set(DANGEROUS_PREFIXES)


CELLS = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from([*OWASP_DANGEROUS, "\n", ";", '"', "a", "1", "'"])),
    st.integers(),
    st.none(),
    st.booleans(),
)


@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=8))
def test_no_parsed_cell_ever_starts_with_a_dangerous_character(table):
    columns = ["a", "b", "c"]
    rows = [dict(zip(columns, values, strict=True)) for values in table]
    parsed = parse(safe_csv(rows, columns))
    assert len(parsed) == len(rows) + 1
    for row in parsed:
        assert len(row) == 3
        for cell in row:
            assert not cell.startswith(DANGEROUS_PREFIXES)


@given(st.text())
def test_neutralising_only_ever_adds_one_leading_quote_to_the_text_without_controls(text):
    cell = neutralise_cell(text)
    assert cell in (strip_controls(text), "'" + strip_controls(text))
    assert not cell.startswith(DANGEROUS_PREFIXES)

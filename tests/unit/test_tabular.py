"""Reading uploaded tables: formats, encodings, separators, numbering, and refusals."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from chalicelib.errors import MissingColumnsError, UnreadableFileError
from chalicelib.limits import FileLimitError
from chalicelib.tabular import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    cell_text,
    map_columns,
    normalize_header,
    read_table,
    unmapped_headers,
)
from tests.support.roster_files import table_csv, table_xlsx


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Né(e) le", "neele"),
        ("date_naissance", "datenaissance"),
        ("Date de naissance", "datedenaissance"),
        ("N° dossier", "ndossier"),
        ("  PRÉNOM ", "prenom"),
        ("E-mail référent", "emailreferent"),
        ("Lieu d'accueil", "lieudaccueil"),
        ("Commune présente sur plusieurs ML", "communepresentesurplusieursml"),
        ("", ""),
    ],
)
def test_headers_compare_without_case_accents_spaces_or_punctuation(header, expected):
    assert normalize_header(header) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  Zoé \t", "Zoé"),
        (612345678.0, "612345678"),
        (612345678, "612345678"),
        (2.5, "2.5"),
        (True, "true"),
        (datetime(2008, 7, 15), "2008-07-15"),
        (datetime(2026, 3, 12, 14, 30), "2026-03-12 14:30"),
        (date(2008, 7, 15), "2008-07-15"),
        ("\u00a0Lefèvre\u202f", "Lefèvre"),
    ],
)
def test_cell_text_gives_trimmed_text_for_every_cell_type(value, expected):
    assert cell_text(value) == expected


def test_a_french_excel_csv_in_windows_1252_with_semicolons_is_read():
    # Given the CSV French Excel writes: ";" separators, cp1252, accented headers
    data = "N° dossier;Né(e) le;Prénom\r\nA1;15/07/2008;Zoé\r\n".encode("cp1252")
    # When it is read
    table = read_table(data)
    # Then accents survive and the first data row is row 2
    assert table.headers == ["N° dossier", "Né(e) le", "Prénom"]
    assert list(table.rows) == [(2, ["A1", "15/07/2008", "Zoé"])]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("cp1252", False)]
)
def test_every_separator_and_encoding_is_detected(sep, encoding, bom):
    data = table_csv(
        ["Prénom", "Ville"], [["Zoé", "Saint-Étienne"]], sep=sep, encoding=encoding, bom=bom
    )
    table = read_table(data)
    assert table.headers == ["Prénom", "Ville"]
    assert list(table.rows) == [(2, ["Zoé", "Saint-Étienne"])]


def test_the_separator_is_the_one_used_outside_quotes_on_the_header_line():
    data = b'"a,b";"c,d";e\r\n1;2;3\r\n'
    table = read_table(data)
    assert table.headers == ["a,b", "c,d", "e"]


def test_quoted_cells_may_hold_separators_and_line_breaks_and_keep_row_numbers_per_record():
    data = table_csv(["id", "adresse"], [["1", "12 rue X;\r\nbât. B"], ["2", "ici"]])
    rows = list(read_table(data).rows)
    assert rows == [(2, ["1", "12 rue X;\r\nbât. B"]), (3, ["2", "ici"])]


def test_empty_rows_are_skipped_but_keep_their_number():
    data = b"id;nom\r\n1;a\r\n;\r\n\r\n  ;  \r\n2;b\r\n"
    assert [number for number, _ in read_table(data).rows] == [2, 6]


def test_rows_are_padded_or_cut_to_the_header_width():
    data = b"id;nom;prenom\r\n1\r\n2;b;c;extra;more\r\n"
    assert list(read_table(data).rows) == [(2, ["1", None, None]), (3, ["2", "b", "c"])]


def test_rows_are_an_iterator_read_lazily():
    data = table_csv(["id", "nom"], [[str(n), "x"] for n in range(1000)])
    table = read_table(data)
    assert next(table.rows) == (2, ["0", "x"])


def test_an_xlsx_keeps_cell_types_and_reads_the_first_sheet():
    # Given a workbook whose first sheet has a real date cell and a phone stored as a number,
    # and whose active sheet is another one
    workbook = Workbook()
    first = workbook.active
    first.append(["N° dossier", "Né(e) le", "Téléphone"])
    first.append(["A1", datetime(2008, 7, 15), 612345678])
    first.append([])
    first.append(["A2", None, 612345678.0])
    other = workbook.create_sheet("Autre")
    other.append(["rien", "ici"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    # When it is read
    table = read_table(buffer.getvalue())
    # Then the first sheet is read, types kept, the empty row 3 skipped
    assert table.headers == ["N° dossier", "Né(e) le", "Téléphone"]
    assert list(table.rows) == [
        (2, ["A1", datetime(2008, 7, 15), 612345678]),
        (4, ["A2", None, 612345678]),
    ]


def test_an_xlsx_header_may_start_below_empty_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet["A3"] = "id"
    sheet["B3"] = "nom"
    sheet["A4"] = "1"
    sheet["B4"] = "Zoé"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.headers == ["id", "nom"]
    assert list(table.rows) == [(4, ["1", "Zoé"])]


def _with_dimension(ref: bytes) -> bytes:
    source = table_xlsx(["id", "nom"], [["1", "Zoé"]])
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b'<dimension ref="A1:B2" />' in files[sheet]
    files[sheet] = files[sheet].replace(b"A1:B2", ref)
    return _zip(files)


def test_an_xlsx_claiming_thousands_of_columns_is_read_by_its_real_cells():
    # Given a workbook whose <dimension> says A1:XFD3 (a stale width some exporters write)
    table = read_table(_with_dimension(b"A1:XFD3"))
    # Then rows are not padded to 16,384 columns
    assert table.headers == ["id", "nom"]
    assert list(table.rows) == [(2, ["1", "Zoé"])]


def test_an_xlsx_declaring_rows_beyond_the_limit_is_refused_before_it_is_read():
    # SPEC §5.1 (limits): a sheet that declares rows beyond 100,000 is refused, not read
    with pytest.raises(FileLimitError) as caught:
        read_table(_with_dimension(b"A1:XFD1048576"))
    assert (caught.value.status, caught.value.code) == (413, "too_many_rows")
    assert "100 000 lignes" in caught.value.message


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with_empty_sheet() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "vide"),
        (b"  \r\n\r\n ", "vide"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "XLS endommagé"),
        (_zip({"readme.txt": b"hello"}), "XLSX"),
        (table_xlsx(["a", "b"], [["1", "2"]])[:300], "XLSX"),
        (_xlsx_with_empty_sheet(), "vide"),
        ("id;nom\r\n1;Zoé\r\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binaire"),
        (b"id;nom\x00;x\r\n", "binaire"),
        (b"juste une phrase sans separateur\r\n", "Séparateur"),
        (b"id;\x07\x08\r\n1;2\r\n", "en-tête"),
        (b";;;\r\n;solo;\r\n", "en-tête"),
        (b"id;nom\r\n\x81\x8d\x8f\x90\x9d;x\r\n", "Encodage"),
        (b"a;b\r\n" + b";" * (MAX_COLUMNS + 5) + b"x\r\n", "colonnes"),
        (b";".join([b"c%d" % n for n in range(MAX_COLUMNS + 1)]) + b"\r\n", "colonnes"),
        (b"a;b\r\n" + b"x" * (MAX_CELL_CHARS + 10) + b";y\r\n", "illisible"),
        (b'a;b\r\n"' + b"x" * (MAX_CELL_CHARS + 10) + b"\r\n", "illisible"),
    ],
    ids=[
        "empty",
        "blank",
        "pdf",
        "broken-xls",
        "zip-not-xlsx",
        "truncated-xlsx",
        "empty-sheet",
        "utf16",
        "png",
        "nul-bytes",
        "no-separator",
        "control-chars-header",
        "one-named-column",
        "undecodable",
        "absurd-columns-row",
        "absurd-columns-header",
        "huge-cell",
        "unclosed-quote",
    ],
)
def test_anything_but_a_table_is_refused_with_a_french_message(data, words):
    with pytest.raises(UnreadableFileError) as caught:
        table = read_table(data)
        list(table.rows)
    assert words in caught.value.message
    assert caught.value.status == 400


def test_a_refused_cell_is_never_quoted_in_the_message():
    secret = "Lefèvre-Confidentiel"
    data = ("a;b\r\n" + secret * 5000 + ";y\r\n").encode()
    with pytest.raises(UnreadableFileError) as caught:
        list(read_table(data).rows)
    assert "Lefèvre" not in caught.value.message
    assert "ligne 2" in caught.value.message


ROSTER_SPEC = {
    "id_externe": ("identifiant", "numero dossier", "n° dossier"),
    "date_naissance": ("date de naissance", "né(e) le"),
    "besoin_logement": ("logement",),
    "parcours_logement": ("logement",),
    "email": ("courriel",),
}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["N° dossier", "Né(e) le"], {"id_externe": 0, "date_naissance": 1}),
        (["NUMERO DOSSIER", "date_naissance"], {"id_externe": 0, "date_naissance": 1}),
        (
            ["Date de naissance", "Identifiant", "Observations"],
            {"id_externe": 1, "date_naissance": 0},
        ),
        # the canonical name wins over a synonym, whatever the order
        (["Identifiant", "id_externe", "Né(e) le"], {"id_externe": 1, "date_naissance": 2}),
        # among identical headers the leftmost is used
        (["id_externe", "ID externe", "Né(e) le"], {"id_externe": 0, "date_naissance": 2}),
        # "Logement" alone is the flag (listed first)…
        (
            ["id", "Identifiant", "Né le", "Né(e) le", "Logement"],
            {"id_externe": 1, "date_naissance": 3, "besoin_logement": 4},
        ),
        # …but next to an explicit besoin_logement column it is the pathway part
        (
            ["Identifiant", "Né(e) le", "Logement", "Besoin logement"],
            {"id_externe": 0, "date_naissance": 1, "besoin_logement": 3, "parcours_logement": 2},
        ),
    ],
)
def test_columns_map_by_canonical_name_first_then_synonyms_one_header_each(headers, expected):
    assert map_columns(headers, ROSTER_SPEC, ("id_externe", "date_naissance")) == expected


def test_all_missing_required_columns_are_reported_at_once_with_the_headers_they_accept():
    with pytest.raises(MissingColumnsError) as caught:
        map_columns(["Courriel", "Divers"], ROSTER_SPEC, ("id_externe", "date_naissance", "email"))
    assert caught.value.columns == ["id_externe", "date_naissance"]
    message = caught.value.message
    assert message.startswith("Colonnes obligatoires absentes : Identifiant (en-têtes acceptés")
    assert "« N° dossier »" in message and "« Né(e) le »" in message
    assert caught.value.code == "missing_columns"


def test_unmapped_headers_are_the_ignored_extra_columns():
    headers = ["N° dossier", "", "Observations", "Né(e) le"]
    mapping = map_columns(headers, ROSTER_SPEC, ())
    assert unmapped_headers(headers, mapping) == ["Observations"]

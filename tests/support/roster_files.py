"""Builders of realistic roster and directory files, in memory. Shared with the integration tests.

Rows are dicts keyed by canonical column names (``id_externe``, ``nom``…); the builders write the
headers a French department would (``N° dossier``, ``Né(e) le``…) unless told otherwise. Every
personal value of a roster row is registered with the privacy fixture, so a test that prints or
logs it fails. All data is fictitious.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook

from tests.fixtures.privacy import register_row

TODAY = date(2026, 1, 15)

FRENCH_HEADERS = {
    "id_externe": "N° dossier",
    "nom": "Nom de famille",
    "prenom": "Prénom",
    "date_naissance": "Né(e) le",
    "code_commune": "Code INSEE",
    "referent_email": "Email référent",
    "referent_nom": "Referent nom",
    "referent_telephone": "Referent téléphone",
    "telephone": "Téléphone",
    "email": "Courriel",
    "consentement": "Accord partage",
    "besoin_logement": "Besoin logement",
    "date_entretien": "Date entretien majorité",
    "lieu_entretien": "Lieu entretien",
    "code_ml": "Code ML",
    "lieu_accueil_nom": "Lieu d'accueil",
    "lieu_accueil_email": "Lieu accueil email",
}

UNML_HEADERS = [
    "Code INSEE",
    "Nom Commune",
    "Code ML",
    "Nom Officiel ML",
    "Adresse ML",
    "Code Postal ML",
    "Ville ML",
    "Commune présente sur plusieurs ML",
]


ABSENT = object()  # youth_row(telephone=ABSENT) leaves that cell out of the row


def youth_row(**overrides: object) -> dict:
    """A valid row of a 17-and-a-half-year-old on ``TODAY``; ``overrides`` replace or add cells."""
    row: dict = {
        "id_externe": "ASE-2024-0001",
        "nom": "Lefèvre",
        "prenom": "Zoé",
        "date_naissance": "15/07/2008",
        "code_commune": "59350",
        "referent_email": "referente.ase@cd59.exemple.fr",
        "telephone": "06 12 34 56 78",
    }
    row.update(overrides)
    return register_row({key: value for key, value in row.items() if value is not ABSENT})


def table_csv(
    headers: list[str],
    rows: list[list[object]],
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    """Any table as CSV bytes, the way Excel writes it (CRLF, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def table_xlsx(headers: list[str], rows: list[list[object]], *, title: str = "Feuil1") -> bytes:
    """Any table as an XLSX workbook; cell values keep their Python types (dates, numbers)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row)) or ["id_externe", "nom"]


def _headers(columns: list[str], headers: dict[str, str] | None) -> list[str]:
    labels = FRENCH_HEADERS if headers is None else headers
    return [labels.get(column, column) for column in columns]


def roster_csv(
    rows: list[dict],
    *,
    sep: str = ";",
    encoding: str = "cp1252",
    bom: bool = False,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A roster as French Excel saves it: ``;``, Windows-1252, French headers (or ``headers``,
    canonical name → header; ``{}`` keeps the canonical names)."""
    columns = _columns(rows)
    body = [[row.get(column) for column in columns] for row in rows]
    return table_csv(_headers(columns, headers), body, sep=sep, encoding=encoding, bom=bom)


def roster_xlsx(rows: list[dict], *, headers: dict[str, str] | None = None) -> bytes:
    """A roster workbook; give ``date``/``datetime``/``int`` values to get typed cells."""
    columns = _columns(rows)
    body = [[row.get(column) for column in columns] for row in rows]
    return table_xlsx(_headers(columns, headers), body)


def coverage_row(insee: str, commune: str, code_ml: str, shared: str = "Non") -> dict:
    return {
        "Code INSEE": insee,
        "Nom Commune": commune,
        "Code ML": code_ml,
        "Nom Officiel ML": f"Mission locale {code_ml}",
        "Adresse ML": "1 rue de la République",
        "Code Postal ML": "59000",
        "Ville ML": "Lille",
        "Commune présente sur plusieurs ML": shared,
    }


def coverage_csv(rows: list[dict]) -> bytes:
    """The UNML coverage file as published: ``;``, UTF-8 with BOM, address columns included."""
    body = [[row.get(header, "") for header in UNML_HEADERS] for row in rows]
    return table_csv(UNML_HEADERS, body, sep=";", encoding="utf-8", bom=True)


def directory_csv(rows: list[dict], *, sep: str = ",") -> bytes:
    """Missions-locales contacts or habitat-jeunes residences (keys are the header names)."""
    columns = _columns(rows)
    return table_csv(columns, [[row.get(column) for column in columns] for row in rows], sep=sep)


def lying_xlsx(member: str, size: int) -> bytes:
    """A small valid XLSX whose zip entries (local header and directory) for the part ending in
    ``member`` declare ``size`` uncompressed bytes instead of the true size."""
    import struct

    data = bytearray(table_xlsx(["id_externe", "nom"], [["L-1", "Menteur"]]))
    suffix = member.encode()
    # (signature, offset of the uncompressed size, offset of the name length, offset of the name)
    entries = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))
    for signature, size_at, length_at, name_at in entries:
        start = data.find(signature)
        while start >= 0:
            length = struct.unpack_from("<H", data, start + length_at)[0]
            if bytes(data[start + name_at : start + name_at + length]).endswith(suffix):
                struct.pack_into("<I", data, start + size_at, size % 2**32)
            start = data.find(signature, start + 4)
    return bytes(data)

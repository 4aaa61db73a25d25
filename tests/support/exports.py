"""Rosters as departments' information systems really export them (issue 12): a Solis/IODAS-style
header, XLSX with real date cells and numbers where Excel makes numbers (file numbers, INSEE codes
and phones lose their leading zeros: ``1053`` for ``01053``, ``612345678``), or the same saved by
French Excel as a ``;`` CSV in Windows-1252. Shared by the API tests and the console's browser test.

Rows are dicts keyed by the export's own headers; every personal value is registered with the
privacy fixture. All data is fictitious.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import Workbook

from tests.fixtures.privacy import register_row

HEADERS = [
    "N° dossier",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Code INSEE",
    "Mail référent",
    "Tél. portable",
    "Référent",
    "Besoin logement",
    "Service",
    "Mesure",
    "Date début mesure",
    "Lieu d'accueil",
    "Mail lieu d'accueil",
]
# what each export header becomes in a stored youth (the three others are ignored columns)
CANONICAL = {
    "N° dossier": "id_externe",
    "Nom": "nom",
    "Prénom": "prenom",
    "Date de naissance": "date_naissance",
    "Code INSEE": "code_commune",
    "Mail référent": "referent_email",
    "Tél. portable": "telephone",
    "Référent": "referent_nom",
    "Besoin logement": "besoin_logement",
    "Lieu d'accueil": "lieu_accueil_nom",
    "Mail lieu d'accueil": "lieu_accueil_email",
}
IGNORED = ["Service", "Mesure", "Date début mesure"]
_NAMES = [("Lefèvre", "Zoé"), ("N'Diaye", "Aïssatou"), ("Da Silva-Leroy", "João"),
          ("Œillet", "Maëlys"), ("Müller", "Noël")]  # fmt: skip
_COMMUNES = [1053, 1004, 59350, 59512]  # Bourg-en-Bresse 01053 and Ambérieu 01004 lose a zero


def export_rows(today: date, count: int = 5, *, first_number: int = 2024001) -> list[dict]:
    """``count`` youths aged 17 to 17½ on ``today``, typed as the XLSX export types them."""
    rows = []
    for n in range(count):
        nom, prenom = _NAMES[n % len(_NAMES)]
        birth = datetime.combine(today - timedelta(days=17 * 365 + 30 + 7 * n), datetime.min.time())
        row = {
            "N° dossier": first_number + n,  # a number in the export
            "Nom": nom if n < len(_NAMES) else f"{nom}-{chr(65 + n % 26)}",
            "Prénom": prenom,
            "Date de naissance": birth,  # a real date cell
            "Code INSEE": _COMMUNES[n % len(_COMMUNES)],
            "Mail référent": f"referent.{n}@ase.departement.exemple.fr",
            "Tél. portable": 612345600 + n,  # 06 12 34 56 0n without its leading zero
            "Référent": "Mme Dupont-Éloi",
            "Besoin logement": "Oui" if n % 2 == 0 else "Non",
            "Service": "Service ASE Bresse",
            "Mesure": "Accueil provisoire jeune majeur" if n % 3 else "Placement judiciaire",
            "Date début mesure": datetime(2023, 9, 1),
            "Lieu d'accueil": "MECS Les Tilleuls – Unité 2",
            "Mail lieu d'accueil": "accueil@mecs-tilleuls.exemple.fr",
        }
        register_row(
            {CANONICAL.get(k, k): v for k, v in row.items()}
            | {"telephone": f"0{row['Tél. portable']}"}
        )
        rows.append(row)
    return rows


def export_xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Extraction"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[header] for header in HEADERS])
        sheet.cell(sheet.max_row, 4).number_format = "DD/MM/YYYY"  # as the export formats dates
        sheet.cell(sheet.max_row, 12).number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(rows: list[dict]) -> bytes:
    """What French Excel writes from that workbook with « CSV (séparateur : point-virgule) »."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_as_excel_writes(row[header]) for header in HEADERS])
    return buffer.getvalue().encode("cp1252")


def _as_excel_writes(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)

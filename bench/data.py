"""Fictitious but realistic rosters and directory files, deterministic (seeded), built in memory.

Rows use the canonical column names of SPEC §5.1; files are written the way French Excel does
(``;``, Windows-1252) or as XLSX with typed date cells. Nobody here is real.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl import Workbook

FIRST_NAMES = (
    "Zoé", "Léa", "Inès", "Chloé", "Manon", "Jade", "Camille", "Anaïs", "Maëlys", "Sarah",
    "Lucas", "Noah", "Enzo", "Mathéo", "Hugo", "Théo", "Yanis", "Adam", "Rayan", "Kévin",
)  # fmt: skip
LAST_NAMES = (
    "Lefèvre", "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
)  # fmt: skip
STATES = ("securise", "en_cours", "a_traiter")
PARTS = ("ressources", "logement", "emploi", "sante", "droits", "accompagnement")
COLUMNS = (
    "id_externe", "nom", "prenom", "date_naissance", "code_commune", "referent_email",
    "referent_nom", "referent_telephone", "telephone", "email", "consentement",
    "besoin_logement", "date_entretien", "lieu_entretien",
    *(f"parcours_{part}" for part in PARTS),
    "lieu_accueil_nom", "lieu_accueil_email",
)  # fmt: skip


@dataclass(frozen=True)
class Territory:
    code: str
    name: str
    communes: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    ml_channel: str = "email"


TERRITORIES = {
    "59": Territory("59", "Nord", ("59350", "59512", "59599", "59183", "59606"), ("0612", "0678")),
    "13": Territory(
        "13", "Bouches-du-Rhône", ("13201", "13203", "13213", "13028", "13056"), ("0612", "0678")
    ),
    "93": Territory(
        "93", "Seine-Saint-Denis", ("93066", "93048", "93001", "93008"), ("0612", "0678")
    ),
    "974": Territory("974", "La Réunion", ("97411", "97415", "97416", "97422"), ("06921", "06922"),
                     ml_channel="sms"),
}  # fmt: skip


def birth_for_age(today: date, years: float) -> date:
    """A birth date ``years`` (fractional) before ``today``."""
    return today - timedelta(days=round(years * 365.25))


def youth_row(rng: random.Random, territory: Territory, number: int, birth: date) -> dict:
    """One roster row; about half the optional columns filled, as in a real department's file."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    mobile = rng.choice(territory.mobile_prefixes)
    digits = "".join(str(rng.randrange(10)) for _ in range(10 - len(mobile)))
    row: dict[str, object] = {
        "id_externe": f"ASE-{territory.code}-{number:06d}",
        "nom": last,
        "prenom": first,
        "date_naissance": birth,
        "code_commune": rng.choice(territory.communes),
        "referent_email": f"referent{number // 25:04d}@cd{territory.code}.example.fr",
        "referent_nom": f"Référent {number // 25:04d}",
        "consentement": "oui" if rng.random() < 0.6 else "non",
        "besoin_logement": "oui" if rng.random() < 0.4 else "non",
    }
    if rng.random() < 0.7:
        row["telephone"] = mobile + digits
    if rng.random() < 0.5:
        row["email"] = f"{first[0].lower()}.{number:06d}@courriel.example.fr"
    if rng.random() < 0.6:
        for part in PARTS:
            row[f"parcours_{part}"] = rng.choice(STATES)
    if rng.random() < 0.5:
        row["lieu_accueil_nom"] = f"MECS Les Tilleuls {number % 40}"
        row["lieu_accueil_email"] = f"mecs{number % 40}@accueil.example.org"
    return row


def roster_rows(
    department: str,
    count: int,
    today: date,
    *,
    seed: int = 17,
    first: int = 0,
    ages: tuple[float, float] = (16.01, 20.95),
) -> list[dict]:
    """``count`` youths aged ``ages`` (uniform; by default 16 to 21), ids ``first`` …
    ``first + count - 1``."""
    rng = random.Random(seed)
    territory = TERRITORIES[department]
    return [
        youth_row(rng, territory, first + n, birth_for_age(today, rng.uniform(*ages)))
        for n in range(count)
    ]


def due_rows(department: str, count: int, today: date, *, seed: int = 3) -> list[dict]:
    """Youths due today: most reach the mission-locale lead time within the last few days; one in
    ten enters care at 17½ needing housing (two referrals at once); one in five has a planned
    preparation interview (an invitation)."""
    rng = random.Random(seed)
    territory = TERRITORIES[department]
    rows = []
    for n in range(count):
        if n % 10 == 9:
            birth = birth_for_age(today, 17.6)
            row = youth_row(rng, territory, 900_000 + n, birth)
            row["besoin_logement"], row["parcours_logement"] = "oui", "a_traiter"
        else:
            birth = birth_for_age(today, 17) + timedelta(days=30 - rng.randrange(4))
            row = youth_row(rng, territory, 900_000 + n, birth)
        if n % 5 == 0:
            row["date_entretien"] = today + timedelta(days=20 + n % 10)
            row["lieu_entretien"] = "Maison départementale de la solidarité"
        rows.append(row)
    return rows


def changed(rows: list[dict], share: float, *, seed: int = 5) -> tuple[list[dict], int]:
    """A copy where ``share`` of the rows changed (a pathway part moved on)."""
    rng = random.Random(seed)
    result, changes = [], 0
    for row in rows:
        if rng.random() < share:
            moved = "securise" if row.get("parcours_emploi") == "en_cours" else "en_cours"
            row = {**row, "parcours_emploi": moved}
            changes += 1
        result.append(row)
    return result, changes


def _cell(value: object) -> object:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else value


def roster_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in COLUMNS])
    return out.getvalue().encode("cp1252")


def roster_xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Feuil1")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(column) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def directory_files() -> dict[str, bytes]:
    """Missions locales, UNML coverage and habitat-jeunes contacts for every bench territory."""
    ml = ["code_ml,nom,email,telephone,canal"]
    coverage = ["Code INSEE;Nom Commune;Code ML;Nom Officiel ML;Commune présente sur plusieurs ML"]
    hj = ["id,nom,email,telephone,canal,departement,communes"]
    for territory in TERRITORIES.values():
        code_ml = f"ML{territory.code}"
        phone = "0692000001" if territory.ml_channel == "sms" else ""
        ml.append(
            f"{code_ml},Mission locale {territory.name},contact@ml{territory.code}.example.fr,"
            f"{phone},{territory.ml_channel}"
        )
        for insee in territory.communes:
            coverage.append(
                f"{insee};Commune {insee};{code_ml};Mission locale {territory.name};Non"
            )
        hj.append(
            f"UDHAJ{territory.code},UDHAJ {territory.name},udhaj{territory.code}@example.fr,,"
            f"email,{territory.code},"
        )
    return {
        "missions-locales": ("\n".join(ml) + "\n").encode(),
        "coverage": ("\ufeff" + "\n".join(coverage) + "\n").encode(),
        "habitat-jeunes": ("\n".join(hj) + "\n").encode(),
    }

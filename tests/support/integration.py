"""Helpers for tests over the embedded endpoint: keys, directory, rosters, outbox."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from chalicelib.departments import service as departments
from chalicelib.local import outbox
from tests.fixtures.privacy import register_row

# an appointment date the answer form accepts whatever day the suite runs (SPEC §4: from 60 days
# ago to 2 years ahead)
RDV = date.today() + timedelta(days=30)

ROSTER_COLUMNS = [
    "id_externe",
    "nom",
    "prenom",
    "date_naissance",
    "code_commune",
    "referent_email",
    "telephone",
    "email",
    "consentement",
    "besoin_logement",
]

ML_CSV = (
    "code_ml,nom,email,telephone,canal\n"
    "ML59A,Mission locale de Lille,accueil@ml-lille.example.fr,0320000000,email\n"
    "ML59B,Mission locale de Roubaix,contact@ml-roubaix.example.fr,,email\n"
    "ML974,Mission locale Nord Réunion,mlnord@ml-reunion.example.re,0692000001,sms\n"
).encode()

COVERAGE_CSV = (
    "\ufeffCode INSEE;Nom Commune;Code ML;Nom Officiel ML;"
    "Commune présente sur plusieurs ML;Adresse\n"
    "59350;Lille;ML59A;Mission locale de Lille;Non;1 rue X\n"
    "59512;Roubaix;ML59B;Mission locale de Roubaix;Non;2 rue Y\n"
    "59599;Tourcoing;ML59A;Mission locale de Lille;Oui;\n"
    "59599;Tourcoing;ML59B;Mission locale de Roubaix;Oui;\n"
    "97411;Saint-Denis;ML974;Mission locale Nord Réunion;Non;\n"
).encode()

HJ_CSV = (
    "id,nom,email,telephone,canal,departement,communes\n"
    "HJ59-LILLE,Résidence Les Tilleuls,accueil@fjt-tilleuls.example.fr,,email,59,59350\n"
    "UDHAJ59,UDHAJ du Nord,udhaj59@example.fr,,email,59,\n"
).encode()


def birth_for(today: date, *, years: int, days: int = 0) -> date:
    """A birth date such that the youth turns ``years`` exactly ``days`` days after ``today``."""
    anniversary = today + timedelta(days=days)
    try:
        return anniversary.replace(year=anniversary.year - years)
    except ValueError:
        return anniversary.replace(year=anniversary.year - years, day=28)


def roster_csv(rows: list[dict], columns: list[str] | None = None, sep: str = ",") -> bytes:
    columns = columns or ROSTER_COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=sep, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        register_row(row)
        writer.writerow(
            {k: (v.strftime("%d/%m/%Y") if isinstance(v, date) else v) for k, v in row.items()}
        )
    return out.getvalue().encode("utf-8")


def letters(text: str) -> str:
    """Digits spelled as letters, so that test names stay valid names."""
    return "".join(c if c.isalpha() else "abcdefghij"[int(c)] if c.isdigit() else "x" for c in text)


def youth(id_externe: str, birth: date, commune: str = "59350", **extra: object) -> dict:
    row = {
        "id_externe": id_externe,
        "nom": f"Nomtest{letters(id_externe).lower()}",
        "prenom": f"Prenom{letters(id_externe).lower()}",
        "date_naissance": birth,
        "code_commune": commune,
        "referent_email": f"referent.{id_externe.lower()}@cd59.example.fr",
        "consentement": "non",
        "besoin_logement": "non",
    }
    row.update(extra)
    return row


def operator_key() -> str:
    return departments.add_operator("Equipe Relais")


def department_key(code: str = "59", name: str = "Nord") -> str:
    return departments.add(code, name=name, email=f"ase@cd{code.lower()}.example.fr")


def auth(key: str, content_type: str = "text/csv") -> dict:
    return {"Authorization": f"Bearer {key}", "Content-Type": content_type}


def load_directory(client, key: str) -> None:
    for route, body in (
        ("/directory/missions-locales", ML_CSV),
        ("/directory/coverage", COVERAGE_CSV),
        ("/directory/habitat-jeunes", HJ_CSV),
    ):
        answer = client.http.put(route, body=body, headers=auth(key))
        assert answer.status_code == 200, answer.json_body


def sent() -> list[dict]:
    return outbox.fetch()

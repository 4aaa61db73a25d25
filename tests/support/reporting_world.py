"""A department with a known roster, for the follow-up, isolation and erasure tests.

Department 59 (key ``key``) and 62 (key ``other``), the operator (``operator``) who loaded the
directory of ``support``. Every personal value is registered with the privacy fixture by
``support.roster_csv``; ``personal_values`` gives them back (plus the stored E.164 phone forms) for
the erasure scan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote, urlsplit

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.store.models import ALL_MODELS
from tests.support import integration as s

FULL_COLUMNS = [
    *s.ROSTER_COLUMNS,
    "referent_nom",
    "referent_telephone",
    "date_entretien",
    "lieu_entretien",
    "code_ml",
    "parcours_logement",
    "parcours_emploi",
    "lieu_accueil_nom",
    "lieu_accueil_email",
]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SLASHED_ID = "ASE 24/é#7"  # an id that needs percent-encoding in a path


@dataclass
class World:
    client: object
    today: date
    key: str
    other: str
    operator: str
    rows: dict[str, dict] = field(default_factory=dict)

    def get(self, path: str, key: str | None = None):
        return self.client.http.get(path, headers=s.auth(key or self.key, "application/json"))

    def csv(self, query: str = "", key: str | None = None):
        """The referrals export, as a spreadsheet or a browser asks for it."""
        headers = {"Authorization": f"Bearer {key or self.key}", "Accept": "text/csv"}
        return self.client.http.get(f"/departments/59/referrals?format=csv{query}", headers=headers)

    def delete(self, path: str, key: str | None = None):
        return self.client.http.delete(path, headers=s.auth(key or self.key, "application/json"))

    def upload(self, rows: list[dict], code: str = "59", key: str | None = None):
        body = s.roster_csv(rows, FULL_COLUMNS)
        answer = self.client.http.put(
            f"/departments/{code}/roster", body=body, headers=s.auth(key or self.key)
        )
        assert answer.status_code == 200, answer.json_body
        if code == "59":
            self.rows.update((row["id_externe"], row) for row in rows)
        return answer.json_body

    def run_jobs(self, days: int = 0) -> None:
        jobs.run_all(clock.clock_from(self.today + timedelta(days=days), None))

    def answer(self, ack_url: str, body: str):
        return self.client.http.post(urlsplit(ack_url).path, body=body.encode(), headers=FORM)


def youth_path(id_externe: str, code: str = "59") -> str:
    return f"/departments/{code}/youths/{quote(id_externe, safe='')}"


def make_world(client) -> World:
    operator = s.operator_key()
    s.load_directory(client, operator)
    today = clock.local_today("59", clock.clock_from(None, None))
    other = s.department_key("62", "Pas-de-Calais")
    return World(client, today, s.department_key("59"), other, operator)


def base_rows(today: date) -> list[dict]:
    """Six youths of 59: due, later, shared commune, adult, out-of-coverage, slashed id."""
    return [
        s.youth("DUE10", s.birth_for(today, years=17, days=10)),
        s.youth("LATER", s.birth_for(today, years=17, days=60)),
        s.youth("SHARED", s.birth_for(today, years=17, days=-100), commune="59599"),
        s.youth("ADULT", s.birth_for(today, years=19, days=-3), commune="59512"),
        s.youth("ARRAS", s.birth_for(today, years=17, days=-50), commune="62041"),
        s.youth(
            SLASHED_ID,
            s.birth_for(today, years=16, days=-30),
            besoin_logement="oui",
            referent_email="referent.slashed@cd59.example.fr",
        ),
    ]


def personal_values(row: dict) -> list[str]:
    """The row's registered personal values as stored: names, birth date (ISO and French), phones
    (as typed and in E.164), emails."""
    values = [str(row[k]) for k in ("nom", "prenom", "referent_email") if row.get(k)]
    values += [str(row[k]) for k in ("email", "referent_nom") if row.get(k)]
    birth = row["date_naissance"]
    values += [birth.isoformat(), birth.strftime("%d/%m/%Y")]
    for phone in (row.get("telephone"), row.get("referent_telephone")):
        if phone:
            digits = "".join(ch for ch in str(phone) if ch.isdigit())
            values += [str(phone), "+33" + digits.lstrip("0")]
    return values


def every_item_as_text() -> dict[str, str]:
    """Each table's items, serialised (tests may Scan: the code under test never does)."""
    return {
        model.Meta.table_name: json.dumps(
            [item.serialize() for item in model.scan()], ensure_ascii=False, default=str
        )
        for model in ALL_MODELS
    }


def tables_holding(values: list[str]) -> dict[str, list[int]]:
    """Table name → indexes of the ``values`` found in it (what an erasure must leave nowhere)."""
    found = {}
    for table, text in every_item_as_text().items():
        hits = [index for index, value in enumerate(values) if value in text]
        if hits:
            found[table] = hits
    return found

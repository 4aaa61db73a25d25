"""The console's import as a browser drives it: the form's file, the column mapping."""

from __future__ import annotations

import re
from datetime import date

from tests.support import console as support
from tests.support import integration as s


def rows(today: date, count: int, start: int = 0) -> list[dict]:
    return [
        s.youth(f"IMP-{n}", s.birth_for(today, years=17, days=30 + n), nom=f"Durand{chr(97 + n)}")
        for n in range(start, start + count)
    ]


def send_form(console, session, data: bytes):
    body, kind = support.multipart({"csrf": session.csrf}, "export.xlsx", data)
    headers = {"Cookie": session.cookie, "Content-Type": kind, "Origin": "http://127.0.0.1:8000"}
    return console.client.http.post("/console/import", body=body, headers=headers)


def map_referent_column(console, session, report_path: str) -> str:
    page = console.get(report_path, session).body.decode()
    assert "Colonne obligatoire introuvable" in page and "E-mail du référent" in page
    index = re.search(r'name="entete-(\d+)" value="Courriel TS"', page).group(1)
    mapped = console.post(
        report_path + "/colonnes",
        session,
        {f"entete-{index}": "Courriel TS", f"colonne-{index}": "referent_email"},
    )
    assert mapped.status_code == 303
    return mapped.headers["Location"]

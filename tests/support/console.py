"""Console test helpers: departments with agents, and signing in through the local provider as a
browser would (the provider's form posted with requests, the callback given to the app)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from chalicelib.console import agents
from chalicelib.departments import service as departments
from tests.support.static_site import StaticSite, serving

AGENT_59 = "camille.martin@cd59.demo.fr"
AGENT_974 = "sacha.payet@cd974.demo.re"
AGENT_NAMES = {AGENT_59: ("Camille", "Martin"), AGENT_974: ("Sacha", "Payet")}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HIDDEN_REDIRECT = re.compile(r'name="redirect_uri" value="([^"]+)"')


def add_departments() -> None:
    departments.add("59", name="Nord", email="ase@cd59.example.fr")
    departments.add("974", name="La Réunion", email="ase@cd974.example.re")
    agents.add("59", AGENT_59, actor="test")
    agents.add("974", AGENT_974, actor="test")


def cookie_value(set_cookie: str, name: str) -> str:
    match = re.search(rf"{re.escape(name)}=([^;]*)", set_cookie or "")
    assert match, set_cookie
    return match.group(1)


def set_cookies(response) -> list[str]:
    """Every Set-Cookie of a response (the test client gives a list when there are several)."""
    value = response.headers.get("Set-Cookie") or []
    return [value] if isinstance(value, str) else list(value)


def query_of(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Session:
    cookie: str  # the Cookie header of a signed-in browser
    csrf: str


class Console:
    def __init__(self, client) -> None:
        self.client = client

    def authorize(self, email: str) -> tuple[str, str]:
        """(the callback path, the login cookie header) after the agent chose ``email``."""
        start = self.client.http.get("/console/connexion/proconnect")
        assert start.status_code == 302, start.body
        state = cookie_value(start.headers["Set-Cookie"], "relais_connexion")
        answer = requests.post(
            start.headers["Location"], data={"sub": email}, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302, answer.text
        return path_of(answer.headers["Location"]), f"relais_connexion={state}"

    def sign_in(self, email: str = AGENT_59) -> Session:
        callback, login_cookie = self.authorize(email)
        done = self.client.http.get(callback, headers={"Cookie": login_cookie})
        assert done.status_code == 303, done.body
        cookie = f"relais_session={cookie_value(done.headers['Set-Cookie'], 'relais_session')}"
        home = self.get("/console", Session(cookie, ""))
        assert home.status_code == 200, home.body
        [csrf] = set(CSRF.findall(home.body.decode()))
        return Session(cookie, csrf)

    def end_session_at_provider(self, end_session_url: str) -> str:
        """What the agent does on the mock provider's sign-out page (it shows the request, then
        asks to confirm): the path of our return route the provider sends the browser back to."""
        shown = requests.get(end_session_url, timeout=10)
        assert shown.status_code == 200, shown.text
        [back] = HIDDEN_REDIRECT.findall(shown.text)
        confirm = urlsplit(end_session_url)._replace(path="/oauth2/end_session/confirm", query="")
        answer = requests.post(
            confirm.geturl(),
            data={"redirect_uri": html.unescape(back)},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text
        return path_of(answer.headers["Location"])

    def get(self, path: str, session: Session, **headers: str):
        return self.client.http.get(path, headers={"Cookie": session.cookie, **headers})

    def post(self, path: str, session: Session, fields: dict[str, str] | None = None, **extra):
        from urllib.parse import urlencode

        body = urlencode({"csrf": session.csrf, **(fields or {})})
        headers = {
            "Cookie": session.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "http://127.0.0.1:8000",
            **extra,
        }
        return self.client.http.post(path, body=body, headers=headers)


@contextmanager
def provider_variant(issuer: str, **changes: str | None) -> Iterator[str]:
    """Another OpenID provider: the mock provider's discovery document with ``changes`` (None
    removes the key), served on its own port. Yields its issuer URL."""
    document = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    discovery = StaticSite("application/json", path="/.well-known/openid-configuration")
    discovery.serve(json.dumps(document))
    with serving(discovery) as site:
        yield f"http://127.0.0.1:{site.port}"


def load_world(today) -> dict[str, str]:
    """The test directory, and rosters: in 59 a youth due now in Lille (referred by the jobs) and
    one in Tourcoing (a commune shared by two missions locales: no partner until the department
    chooses); in 974 one youth due now. Returns each id_externe by role."""
    from chalicelib import jobs
    from chalicelib.directory import service as directory
    from chalicelib.domain import clock
    from chalicelib.roster import service as roster
    from tests.support import integration as s

    for kind, body in (
        ("missions-locales", s.ML_CSV),
        ("coverage", s.COVERAGE_CSV),
        ("habitat-jeunes", s.HJ_CSV),
    ):
        directory.load(kind, body, actor="test")
    due = s.youth("D59-1", s.birth_for(today, years=17, days=10), nom="Lefebvre", prenom="Éloïse")
    shared = s.youth("D59-2", s.birth_for(today, years=17, days=20), commune="59599")
    reunion = s.youth("R974-1", s.birth_for(today, years=17, days=5), commune="97411")
    roster.upload_any_size("59", s.roster_csv([due, shared]), actor="test")
    roster.upload_any_size("974", s.roster_csv([reunion]), actor="test")
    jobs.run_all(clock.clock_from(today, None))
    return {"due": "D59-1", "shared": "D59-2", "reunion": "R974-1"}


# --- a file as a department's software exports it -----------------------------------------------
EXPORT_HEADERS = [
    "N° dossier",
    "Nom",
    "Prénom",
    "Né(e) le",
    "Code INSEE",
    "Courriel TS",  # not a known synonym: the agent maps it once to the referent's email
    "Tél. portable",
    "Accord partage",
    "Logement",
    "Observations",
]


def export_xlsx(rows: list[dict]) -> bytes:
    """An XLSX as the department's software writes it: a title-cased header, Excel date cells,
    phone numbers that lost their leading zero, and a free-text column we do not import."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Export ASE"
    sheet.append(EXPORT_HEADERS)
    for row in rows:
        sheet.append(
            [
                row["id_externe"],
                row["nom"].upper(),
                row["prenom"],
                row["date_naissance"],  # a date cell
                row["code_commune"],
                row["referent_email"],
                612345678,  # 06 12 34 56 78 without its leading zero
                "oui",
                "non",
                "RAS",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A browser's multipart form with one file part ``fichier``: (body, content type)."""
    boundary = "----relaisTestBoundary7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

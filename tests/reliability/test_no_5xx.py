"""No route answers 5xx to any input (SPEC §4 "Bad input never yields a 5xx", §4b "Safe by
default"): every route of the app's route table, every method, with hostile path parameters,
query strings, headers, form fields, JSON and file bodies — sent as an authorised caller (the
department's key, a signed-in agent with the form's token) so that the input reaches the route's
code, not only its door. A route added later is covered without touching this file."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app import app
from chalicelib import refs
from chalicelib.departments import service as departments
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.roster import service as roster
from tests.support import console as support
from tests.support import integration as s
from tests.support.roster_files import lying_xlsx

EXAMPLES = int(os.environ.get("RELAIS_HOSTILE_EXAMPLES", "20"))
ORIGIN = "http://127.0.0.1:8000"
PARAM = re.compile(r"\{(\w+)\}")
SAMPLES = [
    "²",
    "³⁴",
    "١٢٣",
    "Ⅻ",
    "𝟙𝟚",
    "9" * 5000,
    "0" * 5000,
    "-" + "9" * 400,
    "1e309",
    "NaN",
    "-0",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "é" * 300,
    "😀",
    "",
    " ",
    "%",
    "%ZZ",
    "%00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "' OR '1'='1",
    "null",
    "[]",
    "{}",
    "2026-02-30",
    "31/02/2026",
    "0000-00-00",
    "2026-13",
    "²⁰²⁶-¹²",
]
# sent to every route every time; the other samples come at random
ALWAYS = ["²", "١٢٣", "9" * 5000, "1e309", "a\x00b", "\r\n\x1b", "é" * 300, "", "%ZZ", "😀"]
HOSTILE = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(max_size=40),  # any character: controls, NUL, combining marks, astral planes
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
# every name a form or a query of ours reads, and a few it does not
NAMES = [
    "action", "code_ml", "confirmation", "confirmer_sorties", "entete-1", "colonne-1",
    "contact_email", "contact_phone", "ml_lead_days", "hj_lead_days", "relance_jours",
    "escalade_jours", "email", "departement", "recherche", "statut", "filtre", "mois", "fait",
    "reponse", "date_rdv", "motif", "commentaire", "conseiller_nom", "conseiller_telephone",
    "mode", "dry_run", "confirm_exits", "cursor", "status", "majority_from", "majority_to",
    "kind", "format", "department", "limit", "state", "code", "error", "message", "page", "tri",
]  # fmt: skip
# a value each name accepts, so that the other fields' hostile values reach deeper code
PLAUSIBLE = {
    "action": "choisir",
    "code_ml": "ML59B",
    "confirmation": "oui",
    "confirmer_sorties": "oui",
    "entete-1": "Nom",
    "colonne-1": "nom",
    "contact_email": "ase@cd59.example.fr",
    "contact_phone": "03 20 00 00 00",
    "ml_lead_days": "30",
    "hj_lead_days": "183",
    "relance_jours": "7",
    "escalade_jours": "14",
    "email": "agent@cd59.example.fr",
    "departement": "59",
    "statut": "actif",
    "mois": "2027-01",
    "reponse": "accepte",
    "date_rdv": "2026-12-20",
    "mode": "partial",
    "dry_run": "true",
    "format": "csv",
    "department": "59",
    "limit": "10",
}
FIELDS = st.dictionaries(st.text(max_size=10), HOSTILE, max_size=3)  # names of no one
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4),
    max_leaves=12,
)
ROSTER_HEADER = "id_externe,nom,prenom,date_naissance,code_commune,referent_email,telephone\n"


def csv_of(cells: list[str]) -> bytes:
    row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
    return (ROSTER_HEADER + row + "\n").encode("utf-8", "surrogatepass")


# files that lie: about a part's size (the zip directory), their encoding, their kind
CRAFTED = [
    lying_xlsx("sheet1.xml", 10),
    lying_xlsx("sheet1.xml", 2**31),
    lying_xlsx("sharedStrings.xml", 5),
    b"\xff\xfe" + "a,b".encode("utf-16-le"),
    b"PK\x03\x04" + b"\x00" * 100,
]
FILES = st.one_of(
    st.binary(max_size=2000),
    st.lists(HOSTILE, min_size=7, max_size=7).map(csv_of),
    st.sampled_from(CRAFTED),
)


def every_route() -> list[tuple[str, str, list[str]]]:
    return [
        (method, path, list(entry.content_types or ["application/json"]))
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
    ]


ROUTES = every_route()


def test_the_route_table_holds_the_api_and_the_console():
    paths = {path for _, path, _ in ROUTES}
    assert "/departments/{code}/roster" in paths and "/console/parametres" in paths
    assert len(ROUTES) >= 45


class Caller:
    """Department 59 with two youths, its key, an operator key and a signed-in agent."""

    def __init__(self, console) -> None:
        for kind, body in (("missions-locales", s.ML_CSV), ("coverage", s.COVERAGE_CSV)):
            directory.load(kind, body, actor="test")
        today = clock.local_today("59", clock.clock_from(None, None))
        youths = [s.youth(f"H-{n}", s.birth_for(today, years=17, days=20 + n)) for n in range(2)]
        roster.upload_any_size("59", s.roster_csv(youths), actor="test")
        self.client = console.client
        self.key = departments.rotate_key("59")
        self.operator = departments.add_operator("hostile")
        self.session = console.sign_in(support.AGENT_59)
        self.valid = {
            "code": "59",
            "id_externe": "H-0",
            "ref": refs.youth_ref("59", "H-0"),
            "upload_id": "upl_" + "0" * 24,
            "alert_id": "alt_inconnue",
            "name": "jeunes.csv",
            "token": "jeton",
        }

    def key_for(self, path: str) -> str:
        return self.operator if path.startswith("/directory") else self.key


def concrete(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: quote(values[m.group(1)].encode("utf-8", "surrogatepass"), ""), path)


@dataclass(frozen=True)
class Parts:
    """What a request carries, before it is encoded for its route."""

    values: dict[str, str]  # path parameters
    query: dict[str, str]
    kind: str  # Content-Type
    accept: str
    fields: dict[str, str]
    file: bytes
    document: object  # a JSON body


def sent(caller: Caller, method: str, path: str, parts: Parts) -> tuple[str, dict, bytes]:
    url = concrete(path, parts.values)
    if parts.query:
        url += "?" + urlencode(parts.query, encoding="utf-8", errors="surrogatepass")
    headers = {
        "Content-Type": parts.kind,
        "Accept": parts.accept,
        "Authorization": f"Bearer {caller.key_for(path)}",
        "Cookie": caller.session.cookie,
        "Origin": ORIGIN,
    }
    fields = {**parts.fields, "csrf": caller.session.csrf}
    if parts.kind.startswith("multipart/"):
        body, headers["Content-Type"] = support.multipart(fields, "f.xlsx", parts.file)
    elif parts.kind == "application/x-www-form-urlencoded":
        body = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()
    elif parts.kind == "application/json":
        body = json.dumps(parts.document).encode()
    else:
        body = b"" if method in ("GET", "DELETE") else parts.file
    return url, headers, body


def named(valid: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """Each name of ours absent, plausible or hostile, and a few names of no one."""
    each = {name: st.one_of(st.none(), st.just(valid.get(name, "1")), HOSTILE) for name in NAMES}
    return st.tuples(st.fixed_dictionaries(each), FIELDS).map(
        lambda drawn: {**{k: v for k, v in drawn[0].items() if v is not None}, **drawn[1]}
    )


def hostile_parts(caller: Caller, path: str, types: list[str]) -> st.SearchStrategy[Parts]:
    params = {
        name: st.one_of(st.just(caller.valid.get(name, "x")), HOSTILE)
        for name in PARAM.findall(path)
    }
    return st.builds(
        Parts,
        values=st.fixed_dictionaries(params),
        query=named(PLAUSIBLE),
        kind=st.one_of(st.sampled_from(types), st.sampled_from(["text/plain", "", "é/²"])),
        accept=st.sampled_from(["text/html", "application/json", "*/*", "²"]),
        fields=named(PLAUSIBLE),
        file=FILES,
        document=JSON_VALUES,
    )


def everywhere(sample: str, path: str, types: list[str]) -> Parts:
    """The one hostile value in every place at once (the red team's cases, always sent)."""
    return Parts(
        values={name: sample for name in PARAM.findall(path)},
        query=dict.fromkeys(NAMES, sample),
        kind=types[0],
        accept="text/html",
        fields=dict.fromkeys(NAMES, sample),
        file=csv_of([sample] * 7),
        document={sample: [sample]},
    )


def with_file(caller: Caller, file: bytes, path: str, types: list[str]) -> Parts:
    """A crafted file, everything else as the route expects it."""
    return Parts(
        values={name: caller.valid.get(name, "x") for name in PARAM.findall(path)},
        query={"dry_run": "true"},
        kind=types[0],
        accept="text/html",
        fields=dict(PLAUSIBLE),
        file=file,
        document={},
    )


@pytest.mark.parametrize(
    ("method", "path", "types"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_no_input_makes_a_route_answer_5xx(console, method, path, types):
    caller = Caller(console)

    def answers_below_500(parts: Parts) -> None:
        url, headers, body = sent(caller, method, path, parts)
        answer = caller.client.http.request(method, url, headers=headers, body=body)
        assert answer.status_code < 500, (method, url[:300], headers["Content-Type"], body[:300])

    check = given(parts=hostile_parts(caller, path, types))(answers_below_500)
    for sample in ALWAYS:
        check = example(parts=everywhere(sample, path, types))(check)
    for crafted in CRAFTED if types[0] != "application/json" else []:
        check = example(parts=with_file(caller, crafted, path, types))(check)
    settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )(check)()

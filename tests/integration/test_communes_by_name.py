"""A roster naming each youth's commune as exports do, by name and postal code (SPEC §5.1, §5.4,
issue 21): resolved through the real La Poste base within the department, each youth referred to
the right mission locale; a commune that cannot be told keeps the youth, who waits for the
department's choice in the console."""

from __future__ import annotations

import gzip

import pytest

from chalicelib import jobs
from chalicelib.alerts import wording
from chalicelib.domain import clock
from chalicelib.domain.alerts import AlertKind
from chalicelib.domain.enums import Kind
from chalicelib.store.models import Alert, Referral, Youth
from tests.support import integration as s
from tests.support import laposte, unml

COLUMNS = ["id_externe", "nom", "prenom", "date_naissance", "Commune de résidence",
           "Code postal", "referent_email"]  # fmt: skip
# (file number, commune as written, postal code as written) → the mission locale it must reach
WRITTEN = [
    ("V01", "LILLE", "59000", unml.LILLE),
    ("V02", "Villeneuve-d’Ascq", "59650", unml.LILLE),  # typographic apostrophe, hyphens
    ("V03", "villeneuve d ascq", "", unml.LILLE),  # unique in the department: no postal code
    ("V04", "Roubaix", "59 100", unml.ROUBAIX),
    ("V05", "TOURCOING CEDEX", "59208", unml.ROUBAIX),  # a CEDEX code, in no base
    ("V06", "Lomme", "59160", unml.LILLE),  # a former commune of Lille (Ligne_5)
    ("V07", "Hellemmes-Lille", "59260", unml.LILLE),  # another one
    ("V08", "", "59100", unml.ROUBAIX),  # a postal code of one commune alone
]


@pytest.fixture
def key(client) -> str:
    operator = s.operator_key()
    put = client.http.put
    headers = {**s.auth(operator), "Content-Encoding": "gzip"}
    assert put("/directory/communes", body=gzip.compress(laposte.real_base()),
               headers=headers).status_code == 200  # fmt: skip
    put("/directory/missions-locales", body=unml.contacts_csv(unml.SAMPLE_MLS),
        headers=s.auth(operator))  # fmt: skip
    put("/directory/coverage", body=unml.write(unml.sample_rows()), headers=s.auth(operator))
    return s.department_key("59")


def _roster(rows: list[tuple[str, str, str]], today) -> bytes:
    birth = s.birth_for(today, years=17, days=3)
    body = [
        s.youth(number, birth, **{"Commune de résidence": name, "Code postal": postal})
        for number, name, postal in rows
    ]
    return s.roster_csv(body, COLUMNS, sep=";")


def test_each_youth_named_by_commune_and_postal_code_reaches_the_right_mission_locale(client, key):
    # Given a roster giving communes as exports write them, no INSEE code at all
    today = clock.local_today("59", clock.clock_from(None, None))
    rows = [(number, name, postal) for number, name, postal, _ in WRITTEN]
    answer = client.http.put("/departments/59/roster", body=_roster(rows, today),
                             headers=s.auth(key))  # fmt: skip
    # Then every youth is created, none rejected, and the report says how names were read
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["created"], report["rejected"], report["ignored_columns"]) == (8, [], [])
    (summary,) = [w for w in report["warnings"] if w["code"] == "communes_by_name"]
    assert "8 ligne(s)" in summary["message"] and "59350" in summary["message"]
    assert Youth.get("59", "V06").record["code_commune"] == "59350"
    # When the jobs run, each youth is referred to the mission locale of its commune
    jobs.run_all(clock.clock_from(today, None))
    partners = {
        r.id_externe: r.partner_id for r in Referral.scan() if r.kind == Kind.MISSION_LOCALE
    }
    assert partners == {number: ml.code for number, _, _, ml in WRITTEN}


def test_a_commune_that_cannot_be_told_keeps_the_youth_and_asks_the_department(client, key):
    # Given a commune unknown in the department, one the coverage file lacks, and Lille
    today = clock.local_today("59", clock.clock_from(None, None))
    rows = [("U01", "Atlantis", "59999"), ("U02", "Lille", "59000"), ("U03", "Wattrelos", "")]
    answer = client.http.put("/departments/59/roster", body=_roster(rows, today),
                             headers=s.auth(key))  # fmt: skip
    # Then both youths are kept, the unknown commune with a warning saying what to do
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["created"], report["rejected"]) == (3, [])
    (warning,) = [w for w in report["warnings"] if w["code"] == "commune_unknown"]
    assert (warning["row"], warning["column"]) == (2, "commune")
    assert "« Atlantis »" in warning["message"] and "console" in warning["message"]
    assert Youth.get("59", "U01").record["code_commune"] == ""
    # When the jobs run, the youth waits, and the department is alerted to choose
    jobs.run_all(clock.clock_from(today, None))
    referred = {r.id_externe for r in Referral.scan()}
    assert referred == {"U02"}
    alerts = [a for a in Alert.query("59") if a.id_externe == "U01"]
    assert [a.kind for a in alerts] == [AlertKind.NO_PARTNER]
    what, action, _ = wording.no_partner(alerts[0].details_view())
    assert "n'a pas été reconnue" in what and "code INSEE" in action
    # And a commune outside the coverage is named in its alert by La Poste's base
    (named,) = [a for a in Alert.query("59") if a.id_externe == "U03"]
    assert named.details["youth"]["commune_nom"] == "WATTRELOS"


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("xls", "application/vnd.ms-excel"),
    ],
)
def test_an_ods_or_xls_libreoffice_saved_is_uploaded_as_it_is(client, key, extension, content_type):
    # Given the department's export saved by LibreOffice, a title line above its header
    data = (laposte.BASE.parent / "libreoffice" / f"roster_title_line.{extension}").read_bytes()
    # When it is uploaded with its own content type
    answer = client.http.put("/departments/59/roster", body=data, headers=s.auth(key, content_type))
    # Then its three youths are created, their communes read by name
    assert answer.status_code == 200, answer.json_body
    assert (answer.json_body["created"], answer.json_body["rejected"]) == (3, [])
    assert Youth.get("59", "2024-002").record["code_commune"] == "59009"

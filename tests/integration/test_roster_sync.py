"""Issue 3: the roster path over HTTP and the full-sync semantics of SPEC §5.1."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.domain.enums import Kind
from chalicelib.store import youths as youth_store
from chalicelib.store.models import ALL_MODELS, Referral, Youth
from tests.support import aws_requests
from tests.support import integration as s
from tests.support import roster_files as files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def today() -> date:
    return clock.local_today("59", clock.clock_from(None, None))


@pytest.fixture
def key(client) -> str:
    s.load_directory(client, s.operator_key())
    return s.department_key("59")


def row(id_externe: str, today: date, **extra: object) -> dict:
    birth = s.birth_for(today, years=17, days=-30)
    values: dict = {
        "id_externe": id_externe,
        "nom": "Lefèvre",
        "prenom": "Zoé",
        "date_naissance": birth.strftime("%d/%m/%Y"),
        "referent_email": "referente.ase@cd59.exemple.fr",
    }
    return files.youth_row(**{**values, **extra})


def upload(client, key: str, body: bytes, query: str = "", content_type: str = "text/csv"):
    return client.http.put(
        f"/departments/59/roster{query}", body=body, headers=s.auth(key, content_type)
    )


def snapshot_tables() -> dict[str, list[dict]]:
    """Every item of every table, serialised: 'byte for byte' comparison of the store."""
    return {
        model.Meta.table_name: sorted((str(item.serialize()) for item in model.scan()), key=str)
        for model in ALL_MODELS
    }


def test_a_cp1252_semicolon_file_with_french_headers_is_applied(client, key, today):
    body = files.roster_csv([row("A-1", today), row("A-2", today, nom="Côté-Œuvrard")])
    answer = upload(client, key, body)
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["created"] == 2
    assert Youth.get("59", "A-2").record["nom"] == "Côté-Œuvrard"


def test_an_xlsx_file_with_date_cells_and_numeric_phones_is_applied(client, key, today):
    birth = s.birth_for(today, years=17, days=-30)
    body = files.roster_xlsx([row("X-1", today, date_naissance=birth, telephone=612345678)])
    answer = upload(client, key, body, content_type=XLSX)
    assert answer.status_code == 200, answer.json_body
    record = Youth.get("59", "X-1").record
    assert record["date_naissance"] == birth.isoformat()
    assert record["telephone"] == "+33612345678"


def test_an_unreadable_file_is_a_400_with_a_french_message(client, key):
    answer = upload(
        client, key, b"%PDF-1.4 binary \x00\x01\x02", content_type="application/octet-stream"
    )
    assert answer.status_code == 400
    assert answer.json_body["error"]["code"] == "unreadable_file"


def test_missing_required_columns_are_all_listed(client, key):
    answer = upload(client, key, b"nom;prenom\nDupont;Jean\n")
    assert answer.status_code == 400
    message = answer.json_body["error"]["message"]
    for column in ("id_externe", "date_naissance", "code_commune", "referent_email"):
        assert column in message


def test_a_body_over_6_mb_is_a_413(client, key):
    answer = upload(client, key, b"x" * (6 * 1024 * 1024 + 1))
    assert answer.status_code == 413


def test_strict_mode_with_a_rejected_row_writes_nothing_at_all(client, key, today):
    assert upload(client, key, files.roster_csv([row("S-1", today)])).status_code == 200
    before = snapshot_tables()
    body = files.roster_csv(
        [row("S-1", today, nom="Changé"), row("S-2", today, code_commune="ABCDE")]
    )
    answer = upload(client, key, body)
    assert answer.status_code == 422
    assert answer.json_body["applied"] is False
    assert {(e["row"], e["column"], e["code"]) for e in answer.json_body["rejected"]} == {
        (3, "code_commune", "invalid_insee")
    }
    assert snapshot_tables() == before


def test_partial_mode_applies_valid_rows_and_leaves_rejected_youths_untouched(
    client,
    key,
    today,
):
    upload(client, key, files.roster_csv([row("P-1", today), row("P-2", today)]))
    before = Youth.get("59", "P-2").serialize()
    # When P-2's row is broken in the next file, in partial mode
    body = files.roster_csv(
        [row("P-1", today, nom="Nouveau"), row("P-2", today, code_commune="ABCDE")]
    )
    answer = upload(client, key, body, "?mode=partial")
    assert answer.status_code == 200
    assert answer.json_body["updated"] == 1
    assert answer.json_body["exited"] == 0  # a rejected row is never "absent"
    assert Youth.get("59", "P-2").serialize() == before
    assert Youth.get("59", "P-1").record["nom"] == "Nouveau"


def test_a_dry_run_reports_and_writes_nothing(client, key, today):
    before = snapshot_tables()
    answer = upload(client, key, files.roster_csv([row("D-1", today)]), "?dry_run=true")
    assert answer.status_code == 200
    assert answer.json_body["created"] == 1
    assert answer.json_body["applied"] is False
    assert snapshot_tables() == before


def test_the_same_file_twice_changes_nothing(client, key, today):
    body = files.roster_csv([row("T-1", today), row("T-2", today)])
    upload(client, key, body)
    before = snapshot_tables()
    answer = upload(client, key, body)
    assert answer.json_body["unchanged"] == 2
    assert answer.json_body["created"] == answer.json_body["updated"] == 0
    after = snapshot_tables()
    after.pop("relais-dev-audit"), before.pop("relais-dev-audit")  # the audit records the upload
    assert after == before


def test_an_absent_youth_exits_its_unsent_referrals_are_cancelled_and_it_can_return(
    client,
    key,
    today,
):
    upload(client, key, files.roster_csv([row("E-1", today), row("E-2", today)]))
    jobs.daily_scan(clock.clock_from(today, None))  # referrals created, not yet dispatched
    # When E-2 is absent from the next file
    answer = upload(client, key, files.roster_csv([row("E-1", today)]))
    assert answer.json_body["exited"] == 1
    assert Youth.get("59", "E-2").status == "exited"
    statuses = {r.id_externe: r.status for r in Referral.scan()}
    assert statuses == {"E-1": "pending", "E-2": "cancelled"}
    # And it comes back
    answer = upload(client, key, files.roster_csv([row("E-1", today), row("E-2", today)]))
    assert answer.json_body["updated"] == 1
    assert Youth.get("59", "E-2").status == "active"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_never_yield_a_5xx(client, key, body):
    answer = upload(client, key, body)
    assert answer.status_code < 500
    assert "error" in answer.json_body or answer.json_body.get("applied") in (True, False)


def test_a_schedule_saved_while_the_roster_is_written_is_never_lost(client, key, today):
    first = row("RACE", today)
    put = client.http.put
    answer = put("/departments/59/roster", body=files.roster_csv([first]), headers=s.auth(key))
    assert answer.status_code == 200
    # Given a scan that read the youth and is about to save what it did
    youth = youth_store.get("59", "RACE", None)
    schedule = youth_store.schedule_of(youth)
    schedule.block(Kind.MISSION_LOCALE, "aucune_couverture", "inputs", None)

    def scan_saves() -> None:
        assert youth_store.save_schedule(youth, schedule, "2099-01-01")

    # When it saves it just as the next roster (the youth's commune changed) is being written
    changed = {**first, "code_commune": "59512"}
    with aws_requests.before_first_write("youths", scan_saves) as writes:
        answer = put(
            "/departments/59/roster", body=files.roster_csv([changed]), headers=s.auth(key)
        )
    assert answer.status_code == 200 and writes
    # Then the youth has both: the roster's new record and the scan's schedule
    stored = Youth.get("59", "RACE")
    assert stored.record["code_commune"] == "59512"
    assert Kind.MISSION_LOCALE.value in stored.scheduled.as_dict().get("blocked", {})


def test_new_youths_go_25_a_request_and_the_same_file_again_writes_none(client, key, today):
    body = files.roster_csv([row(f"N-{n:04d}", today) for n in range(250)])
    with aws_requests.counted() as calls:
        assert upload(client, key, body).json_body["created"] == 250
    youth_batches = calls["dynamodb.BatchWriteItem"]
    assert youth_batches <= 250 // 25 + 1, dict(calls)
    assert calls["dynamodb.UpdateItem"] == 0, dict(calls)  # nothing one by one
    with aws_requests.counted() as again:
        assert upload(client, key, body).json_body["unchanged"] == 250
    assert aws_requests.dynamodb_writes(again) == 1, dict(again)  # the audit event only

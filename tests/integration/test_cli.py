"""The operator CLI as a newcomer runs it (SPEC §3): with only ``AWS_ENDPOINT_URL`` set, every
command works; JSON commands print only JSON on stdout; every failure is one line, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, endpoint: str) -> subprocess.CompletedProcess:
    """``python -m chalicelib.cli ARGS`` with a bare environment: no AWS credentials, no region."""
    env = {"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL": endpoint, "HOME": "/nonexistent"}
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("erreur")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_with_only_the_endpoint_set_department_add_prints_a_key(aws):
    result = cli("department", "add", "59", "--name", "Nord", "--email", "ase@cd59.fr",
                 "--phone", "03 20 00 00 00", endpoint=aws.url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()[-1]) >= 22


def test_jobs_run_prints_only_its_json_summary_on_stdout(aws):
    cli("department", "add", "59", "--name", "Nord", "--email", "ase@cd59.fr", endpoint=aws.url)
    result = cli("jobs", "run", "--today", "2031-03-04", endpoint=aws.url)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # nothing else on stdout: no log line, no metric
    assert {"scan", "dispatch", "followups", "alert_digest"} <= set(summary)


def test_a_missing_file_is_one_line_in_french(aws):
    result = cli("roster", "upload", "59", "/nonexistent/roster.csv", endpoint=aws.url)
    assert "fichier ou service inaccessible" in one_line_error(result)
    assert result.stdout == ""


def test_an_unreachable_endpoint_is_one_line_not_a_traceback():
    result = cli("department", "add", "59", "--name", "Nord", "--email", "ase@cd59.fr",
                 endpoint="http://127.0.0.1:9")  # fmt: skip
    assert "injoignable" in one_line_error(result)


def test_bad_arguments_are_one_line_with_where_to_find_help():
    result = cli("jobs", "run", "--today", "demain", endpoint="http://127.0.0.1:9")
    assert result.returncode == 2
    assert "--help" in one_line_error(result)

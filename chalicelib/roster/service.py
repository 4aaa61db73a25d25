"""Roster upload: parse → diff → (strict | partial | dry run) → write → report (SPEC §4, §5.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.departments import service as departments
from chalicelib.errors import BadRequestError, PayloadTooLargeError, UnprocessableError
from chalicelib.fanout import schedule
from chalicelib.roster import parsing, sync
from chalicelib.store.base import utcnow
from chalicelib.store.models import Department

MAX_DIRECT_BYTES = 6 * 1024 * 1024
MODES = ("strict", "partial")
# A report must fit a DynamoDB item (400 KB) and a Lambda response: the first errors are listed,
# ``rejected_total`` counts them all.
MAX_REPORTED_ERRORS = 1000


def upload(code: str, data: bytes, **options: Any) -> dict:
    """The HTTP roster path: at most 6 MB in the request body (API Gateway's payload limit)."""
    if len(data) > MAX_DIRECT_BYTES:
        raise PayloadTooLargeError(
            "Fichier de plus de 6 Mo : utilisez POST /departments/{code}/roster-uploads."
        )
    return upload_any_size(code, data, **options)


def upload_any_size(
    code: str,
    data: bytes,
    *,
    mode: str = "strict",
    dry_run: bool = False,
    actor: str,
    now: datetime | None = None,
) -> dict:
    """Apply a complete roster (any size: CLI, S3 uploads). Raises ``UnprocessableError`` (422)
    in strict mode when a row is rejected, with the full report."""
    if mode not in MODES:
        raise BadRequestError("Paramètre mode invalide : strict ou partial.")
    now = now or utcnow()
    department = departments.get(code)
    parsed = parsing.parse_roster(
        data, department=department.code, today=clock.local_today(department.code, now)
    )
    return apply_parsed(department, parsed, mode=mode, dry_run=dry_run, actor=actor, now=now)


def apply_parsed(
    department: Department,
    parsed: parsing.RosterParse,
    *,
    mode: str,
    dry_run: bool,
    actor: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> dict:
    existing = sync.existing_index(department.code)
    plan = sync.plan(parsed.records, existing, keep=set(parsed.rejected_ids))
    rejected_rows = parsed.rejected_rows
    report = {
        "rows": parsed.rows,
        **sync.report_counts(plan),
        "skipped_too_young": parsed.skipped_too_young,
        "applied": False,
        "rejected": [error.as_dict() for error in parsed.rejected[:MAX_REPORTED_ERRORS]],
        "rejected_total": len(parsed.rejected),
        "warnings": list(parsed.warnings),
    }
    if parsed.rejected and mode == "strict":
        raise UnprocessableError(
            f"{rejected_rows} ligne(s) rejetée(s) : en mode strict, rien n'a été écrit.",
            details=report,
        )
    if dry_run:
        return report
    sync.apply(department, plan, now=now, progress=progress)
    report["applied"] = True
    counts = sync.report_counts(plan)
    sync.log_outcome(department.code, counts, parsed.rows, rejected_rows, actor)
    if counts["created"] or counts["updated"]:
        # Prompt start (SPEC §6): the department's scan runs within minutes, not at 05:00.
        schedule.enqueue_department("scan", department.code)
    return report

"""Roster upload: parse → diff → guards → (strict | partial | dry run) → write → report (SPEC §4,
§5.1).

Guards, each answered before anything is written: a file with no data row (422 ``empty_roster``);
in strict mode any rejected row (422 ``rejected_rows``); a file that would exit more than 20 % of
the department's active youths, and more than 5, unless ``confirm_exits`` (422
``exits_need_confirmation``, the report listing who would leave). A dry run answers exactly what the
real upload would, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from chalicelib import limits
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.clock import utcnow
from chalicelib.domain.stored import StoredDepartment
from chalicelib.errors import BadRequestError, PayloadTooLargeError, UnprocessableError
from chalicelib.fanout import schedule
from chalicelib.inputs.communes import CommuneIndex
from chalicelib.roster import columns, parsing, sync
from chalicelib.store import audit
from chalicelib.store import departments as department_store
from chalicelib.store.directory import DirectorySnapshot

MAX_DIRECT_BYTES = limits.MAX_DIRECT_BYTES
MODES = ("strict", "partial")
# A report must fit a DynamoDB item (400 KB) and a Lambda response: the first errors and warnings
# are listed, ``rejected_total``/``warnings_total`` count them all; likewise the exited ids.
MAX_REPORTED_ERRORS = limits.MAX_STORED_ERRORS
MAX_REPORTED_EXITS = 5_000
EXIT_SHARE, EXIT_FLOOR = 0.20, 5


def upload(code: str, data: bytes, **options: Any) -> dict:
    """The HTTP roster path: at most 4 MiB in the request body (see ``limits``)."""
    if len(data) > MAX_DIRECT_BYTES:
        raise PayloadTooLargeError(
            "Fichier de plus de 4 Mo : il ne peut pas passer par cet envoi direct. Utilisez le "
            f"dépôt de fichier ({limits.UPLOAD_ROUTE.replace('{code}', code)}) ou la page Import "
            "de la console, qui acceptent jusqu'à 50 Mo."
        )
    return upload_any_size(code, data, **options)


def upload_any_size(
    code: str,
    source: bytes | IO[bytes],
    *,
    mode: str = "strict",
    dry_run: bool = False,
    confirm_exits: bool = False,
    actor: str,
    now: datetime | None = None,
) -> dict:
    """Apply a complete roster (any size: CLI, S3 uploads). Raises ``UnprocessableError`` (422)
    with the full report when a guard refuses it."""
    if mode not in MODES:
        raise BadRequestError("Paramètre mode invalide : strict ou partial.")
    now = now or utcnow()
    department = departments.get(code)
    parsed = parse(department, source, now)
    return apply_parsed(
        department, parsed, mode=mode, dry_run=dry_run, confirm_exits=confirm_exits,
        actor=actor, now=now,
    )  # fmt: skip


def parse(
    department: StoredDepartment, source: bytes | IO[bytes], now: datetime
) -> parsing.RosterParse:
    """The department's file read with its own column mapping, the directory's postal codes and
    the department's communes (read only when a row names its commune instead of its code)."""
    directory = DirectorySnapshot()
    return parsing.parse_roster(
        source,
        department=department.code,
        today=clock.local_today(department.code, now),
        mapping=department_store.column_mapping(department),
        postal_lookup=directory.postal_communes,
        communes=lambda: CommuneIndex.of(directory.communes_of(department.code)),
    )


def apply_parsed(
    department: StoredDepartment,
    parsed: parsing.RosterParse,
    *,
    mode: str,
    dry_run: bool,
    confirm_exits: bool = False,
    actor: str,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    upload_id: str | None = None,
) -> dict:
    existing = sync.existing_index(department.code)
    plan = sync.plan(parsed.records, existing, keep=set(parsed.rejected_ids))
    report = build_report(parsed, plan)
    check_guards(parsed, plan, existing, report, mode=mode, confirm_exits=confirm_exits)
    if dry_run:
        return report
    sync.apply(department, plan, now=now, progress=progress)
    report["applied"] = True
    counts = sync.report_counts(plan)
    sync.log_outcome(
        department.code, counts, parsed.rows, parsed.rejected_rows, actor, upload_id=upload_id
    )
    if counts["created"] or counts["updated"]:
        # Prompt start (SPEC §6): the department's scan runs within minutes, not at 05:00.
        schedule.enqueue_department("scan", department.code)
    return report


def build_report(parsed: parsing.RosterParse, plan: sync.SyncPlan) -> dict:
    return {
        "rows": parsed.rows,
        **sync.report_counts(plan),
        "exited_ids": plan.exited[:MAX_REPORTED_EXITS],
        "skipped_too_young": parsed.skipped_too_young,
        "applied": False,
        "rejected": [error.as_dict() for error in parsed.rejected[:MAX_REPORTED_ERRORS]],
        "rejected_total": parsed.rejected_total,
        "rejected_rows": parsed.rejected_rows,
        "warnings": [warning.as_dict() for warning in parsed.warnings[:MAX_REPORTED_ERRORS]],
        "warnings_total": parsed.warnings_total,
        "ignored_columns": parsed.ignored_columns,
        "exits_need_confirmation": False,
    }


def check_guards(
    parsed: parsing.RosterParse,
    plan: sync.SyncPlan,
    existing: dict[str, tuple[str, str]],
    report: dict,
    *,
    mode: str,
    confirm_exits: bool,
) -> None:
    if parsed.rows == 0:
        raise UnprocessableError(
            "Le fichier ne contient aucune ligne de données : rien n'a été appliqué (sinon tous "
            "les jeunes suivis seraient sortis). Vérifiez que c'est le bon fichier.",
            code="empty_roster",
            details=report,
        )
    if parsed.rejected_rows and mode == "strict":
        raise UnprocessableError(
            f"{parsed.rejected_rows} ligne(s) rejetée(s) : en mode strict, rien n'a été écrit.",
            details=report,
        )
    active = sum(1 for _, status in existing.values() if status == "active")
    exits = len(plan.exited)
    if exits > EXIT_FLOOR and exits > EXIT_SHARE * active and not confirm_exits:
        report["exits_need_confirmation"] = True
        raise UnprocessableError(
            f"Ce fichier ferait sortir {exits} jeune(s) sur {active} suivis (plus de 20 %) : rien "
            "n'a été appliqué. Vérifiez la liste (exited_ids) ; si ces sorties sont voulues, "
            "renvoyez le fichier avec confirm_exits=true.",
            code="exits_need_confirmation",
            details=report,
        )


def save_column_mapping(code: str, raw: object, *, actor: str) -> dict[str, str]:
    """Store the department's ``{their header: our column}``: every later roster upload (HTTP,
    S3, CLI) reads its headers through it. An empty object clears it."""
    mapping = columns.validate_mapping(raw)
    department_store.set_column_mapping(departments.get(code).code, mapping)
    audit.record(code, "column_mapping_saved", actor, counts={"entries": len(mapping)})
    return mapping


def column_mapping(code: str) -> dict[str, str]:
    return department_store.column_mapping(departments.get(code))

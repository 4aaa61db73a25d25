"""The operator commands. Each exits non-zero with a one-line message on bad input."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from chalicelib import jobs, provisioning
from chalicelib.auth import keys
from chalicelib.departments import service as departments
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.errors import RelaisError
from chalicelib.roster import service as roster

CLI_ACTOR = "operator-cli"


LOCAL_DEFAULTS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-3",
}


class _OneLineParser(argparse.ArgumentParser):
    """Bad arguments: one line on stderr (not the usage block), exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"erreur : {message} (aide : {self.prog} --help)\n")


def use_local_defaults(env: dict[str, str] | os._Environ[str]) -> None:
    """With only ``AWS_ENDPOINT_URL`` set (the embedded endpoint), nothing else is needed
    (SPEC §3): dummy credentials and the region default; real values still win."""
    if env.get("AWS_ENDPOINT_URL"):
        for name, value in LOCAL_DEFAULTS.items():
            env.setdefault(name, value)


def parser() -> argparse.ArgumentParser:
    root = _OneLineParser(prog="python -m chalicelib.cli", description="Relais ASE")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("provision", help="create every resource at the configured endpoint")

    department = commands.add_parser("department").add_subparsers(dest="action", required=True)
    add = department.add_parser("add")
    add.add_argument("code")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--phone", help="the number partners may call (shown in their messages)")
    department.add_parser("rotate-key").add_argument("code")
    department.add_parser("remove").add_argument("code")

    _operator_parser(commands)

    load = commands.add_parser("directory").add_subparsers(dest="action", required=True)
    loader = load.add_parser("load")
    loader.add_argument("kind", choices=sorted(directory.LOADERS))
    loader.add_argument("file", type=Path)

    upload = commands.add_parser("roster").add_subparsers(dest="action", required=True)
    roster_upload = upload.add_parser("upload")
    roster_upload.add_argument("code")
    roster_upload.add_argument("file", type=Path)
    roster_upload.add_argument("--partial", action="store_true")
    roster_upload.add_argument("--dry-run", action="store_true")
    roster_upload.add_argument(
        "--confirm-exits", action="store_true", help="applique même si plus de 20 %% sortent"
    )

    run = commands.add_parser("jobs").add_subparsers(dest="action", required=True)
    run_all = run.add_parser("run")
    run_all.add_argument("--today", type=date.fromisoformat)
    run_all.add_argument("--now", type=datetime.fromisoformat)

    agent = commands.add_parser("agent").add_subparsers(dest="action", required=True)
    for name in ("add", "remove"):
        action = agent.add_parser(name)
        action.add_argument("code")
        action.add_argument("email")

    commands.add_parser("outbox").add_argument("--json", action="store_true")
    _partner_parser(commands)
    return root


def _operator_parser(commands: argparse._SubParsersAction) -> None:
    operator = commands.add_parser("operator").add_subparsers(dest="action", required=True)
    operator.add_parser("add").add_argument("name")
    operator.add_parser("revoke").add_argument("name")
    operator.add_parser(
        "register-keys",
        help="give every key issued so far its API Gateway key in the usage plan "
        "(RELAIS_USAGE_PLAN_ID; once, after the first deployment with usage plans)",
    )


def _partner_parser(commands: argparse._SubParsersAction) -> None:
    partner = commands.add_parser("partner").add_subparsers(dest="action", required=True)
    revoke = partner.add_parser("revoke", help="revoke a structure's space link")
    revoke.add_argument("code", help="code_ml of a mission locale or id of a habitat jeunes")
    revoke.add_argument("--type", choices=("mission_locale", "habitat_jeunes"), default=None)


def main(argv: list[str]) -> int:
    """Run one command. Only the command's own output goes to stdout (JSON for the commands
    that print JSON); logs and metrics go to stderr; any failure is one line, no traceback."""
    use_local_defaults(os.environ)
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):
        try:
            return _run(args, out)
        except RelaisError as error:
            details = error.details if isinstance(error.details, dict) else None
            if details and "rejected" in details:
                _print(details, out)
            if error.code == "exits_need_confirmation":  # the API's words name the query option
                return _fail(error.message.replace("confirm_exits=true", "--confirm-exits"))
            return _fail(error.message)
        except OSError as error:
            return _fail(
                f"fichier ou service inaccessible ({error.strerror or type(error).__name__})"
            )
        except Exception as error:  # a command never ends in a traceback
            return _fail(unexpected(error))


def unexpected(error: Exception) -> str:
    """One line for an unexpected error: what kind, never its text (it may quote data)."""
    name = type(error).__name__
    hints = {
        "NoCredentialsError": "identifiants AWS absents (ou définissez AWS_ENDPOINT_URL)",
        "EndpointConnectionError": "point d'accès AWS injoignable (AWS_ENDPOINT_URL ?)",
        "NoRegionError": "région AWS absente (AWS_DEFAULT_REGION)",
    }
    for cause in (error, error.__cause__, error.__context__):
        if cause is not None and type(cause).__name__ in hints:
            return hints[type(cause).__name__]
    return f"échec inattendu ({name}) ; relancez, puis voyez les journaux"


def _fail(message: str) -> int:
    print(f"erreur : {message}", file=sys.stderr)
    return 1


def _run(args: argparse.Namespace, out: TextIO) -> int:
    return COMMANDS[args.command](args, out) or 0


def _department(args: argparse.Namespace, out: TextIO) -> None:
    if args.action == "add":
        key = departments.add(args.code, name=args.name, email=args.email, phone=args.phone)
        print(key, file=out)
    elif args.action == "rotate-key":
        print(departments.rotate_key(args.code), file=out)
    else:
        _print(departments.remove(args.code), out)


def _operator(args: argparse.Namespace, out: TextIO) -> None:
    if args.action == "add":
        print(departments.add_operator(args.name), file=out)
    elif args.action == "register-keys":
        _print({"keys_registered": keys.register_issued_keys()}, out)
    else:
        _print(departments.revoke_operator(args.name), out)


def _roster(args: argparse.Namespace, out: TextIO) -> None:
    with args.file.open("rb") as source:  # streamed, as the S3 uploads are
        report = roster.upload_any_size(
            args.code,
            source,
            mode="partial" if args.partial else "strict",
            dry_run=args.dry_run,
            confirm_exits=args.confirm_exits,
            actor=CLI_ACTOR,
        )
    _print(report, out)


def _jobs(args: argparse.Namespace, out: TextIO) -> int:
    try:
        _print(jobs.run_all(clock.clock_from(args.today, args.now)), out)
    except jobs.JobsError as error:  # every job ran; the summary says which failed
        _print(error.summary, out)
        return _fail(str(error))
    return 0


def _outbox(args: argparse.Namespace, out: TextIO) -> None:
    from chalicelib.local import outbox  # local endpoint only: needs the dev dependencies

    messages = outbox.fetch()
    shown = json.dumps(messages, ensure_ascii=False, indent=2) if args.json else None
    print(shown or outbox.describe(messages), file=out)


def _directory(args: argparse.Namespace, out: TextIO) -> None:
    _print(directory.load(args.kind, args.file.read_bytes(), actor=CLI_ACTOR), out)


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int | None]] = {
    "provision": lambda args, out: _print(provisioning.provision(), out),
    "department": _department,
    "operator": _operator,
    "directory": _directory,
    "roster": _roster,
    "jobs": _jobs,
    "agent": lambda args, out: _agent(args.action, args.code, args.email, out),
    "outbox": _outbox,
    "partner": lambda args, out: _partner(args.code, args.type, out),
}


def _partner(code: str, partner_type: str | None, out: TextIO) -> None:
    from chalicelib.partners import revocation

    _print(revocation.revoke(code, partner_type=partner_type, actor=CLI_ACTOR), out)


def _agent(action: str, code: str, email: str, out: TextIO) -> None:
    from chalicelib.console import agents

    if action == "add":
        done = agents.add(code, email, actor=CLI_ACTOR)
        print("agent autorisé" if done else "agent déjà autorisé", file=out)
    else:
        done = agents.remove(code, email, actor=CLI_ACTOR)
        print("agent retiré" if done else "agent absent de ce département", file=out)


def _print(report: object, out: TextIO) -> None:
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str), file=out)

"""The operator commands. Each exits non-zero with a one-line message on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from chalicelib import clock, jobs, provisioning
from chalicelib.departments import service as departments
from chalicelib.directory import service as directory
from chalicelib.errors import RelaisError
from chalicelib.roster import service as roster

CLI_ACTOR = "operator-cli"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m chalicelib.cli", description="Relais ASE")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("provision", help="create every resource at the configured endpoint")

    department = commands.add_parser("department").add_subparsers(dest="action", required=True)
    add = department.add_parser("add")
    add.add_argument("code")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--phone", help="the number partners may call (shown in their messages)")
    department.add_parser("rotate-key").add_argument("code")

    operator = commands.add_parser("operator").add_subparsers(dest="action", required=True)
    operator.add_parser("add").add_argument("name")

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
    return root


def main(argv: list[str]) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return _run(args)
    except RelaisError as error:
        details = error.details if isinstance(error.details, dict) else None
        if details and "rejected" in details:
            print(json.dumps(details, ensure_ascii=False, indent=2))
        print(f"erreur : {error.message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"erreur : fichier ou service inaccessible ({error.strerror or error})", file=sys.stderr
        )
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "provision":
        _print(provisioning.provision())
    elif args.command == "department" and args.action == "add":
        print(departments.add(args.code, name=args.name, email=args.email, phone=args.phone))
    elif args.command == "department":
        print(departments.rotate_key(args.code))
    elif args.command == "operator":
        print(departments.add_operator(args.name))
    elif args.command == "directory":
        _print(directory.load(args.kind, args.file.read_bytes(), actor=CLI_ACTOR))
    elif args.command == "roster":
        _print(
            roster.upload_any_size(
                args.code,
                args.file.read_bytes(),
                mode="partial" if args.partial else "strict",
                dry_run=args.dry_run,
                actor=CLI_ACTOR,
            )
        )
    elif args.command == "jobs":
        try:
            _print(jobs.run_all(clock.clock_from(args.today, args.now)))
        except jobs.JobsError as error:  # every job ran; the summary says which failed
            _print(error.summary)
            print(f"erreur : {error}", file=sys.stderr)
            return 1
    elif args.command == "agent":
        _agent(args.action, args.code, args.email)
    elif args.command == "outbox":
        from chalicelib.local import outbox  # local endpoint only: needs the dev dependencies

        messages = outbox.fetch()
        print(
            json.dumps(messages, ensure_ascii=False, indent=2)
            if args.json
            else outbox.describe(messages)
        )
    return 0


def _agent(action: str, code: str, email: str) -> None:
    from chalicelib.console import agents

    if action == "add":
        done = agents.add(code, email, actor=CLI_ACTOR)
        print("agent autorisé" if done else "agent déjà autorisé")
    else:
        done = agents.remove(code, email, actor=CLI_ACTOR)
        print("agent retiré" if done else "agent absent de ce département")


def _print(report: object) -> None:
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))

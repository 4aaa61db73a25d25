"""Department routes: roster upload (direct). Each function is one route of app.py."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api import base
from chalicelib.auth import keys
from chalicelib.departments import service as departments
from chalicelib.roster import service as roster
from chalicelib.roster import uploads


def put_roster(request: Request, code: str) -> Response:
    def call() -> dict:
        who = base.caller(request)
        keys.require_department(who, code)
        params = base.query(request)
        return roster.upload(
            code,
            base.body_bytes(request),
            mode=params.get("mode", "strict"),
            dry_run=base.flag(params.get("dry_run")),
            confirm_exits=base.flag(params.get("confirm_exits")),
            actor=who.actor,
        )

    return base.handle(call)


def create_upload(request: Request, code: str) -> Response:
    def call() -> Response:
        who = base.caller(request)
        keys.require_department(who, code)
        params = base.query(request)
        created = uploads.create(
            code,
            mode=params.get("mode", "strict"),
            dry_run=base.flag(params.get("dry_run")),
            confirm_exits=base.flag(params.get("confirm_exits")),
            actor=who.actor,
        )
        return base.json_response(created, 201)

    return base.handle(call)


def get_upload(request: Request, code: str, upload_id: str) -> Response:
    def call() -> dict:
        keys.require_department(base.caller(request), code)
        return uploads.status(code, upload_id)

    return base.handle(call)


def put_column_mapping(request: Request, code: str) -> Response:
    def call() -> dict:
        who = base.caller(request)
        keys.require_department(who, code)
        mapping = departments.save_column_mapping(code, base.json_body(request), actor=who.actor)
        return {"column_mapping": mapping}

    return base.handle(call)


def get_column_mapping(request: Request, code: str) -> Response:
    def call() -> dict:
        keys.require_department(base.caller(request), code)
        return {"column_mapping": departments.column_mapping(departments.get(code))}

    return base.handle(call)

"""Operator routes: partner directory loads."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api import base
from chalicelib.auth import keys
from chalicelib.directory import service


def put_directory(request: Request, name: str) -> Response:
    def call() -> dict:
        who = base.caller(request)
        keys.require_operator(who)
        return service.load(name, base.body_bytes(request), actor=who.actor)

    return base.handle(call)

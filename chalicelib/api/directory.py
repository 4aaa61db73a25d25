"""Operator routes: partner directory loads."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import limits
from chalicelib.api import base
from chalicelib.auth import keys
from chalicelib.directory import service


def put_directory(request: Request, name: str) -> Response:
    def call() -> dict:
        who = base.caller(request)
        keys.require_operator(who)
        data = base.inflated_body(request, limits.MAX_UPLOAD_BYTES)
        return service.load(name, data, actor=who.actor)

    return base.handle(call)

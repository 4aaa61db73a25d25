"""Department follow-up routes (SPEC §4): youths, referrals, report, coverage gaps, erasure.

Each function is one route of app.py: authenticate, authorize, call ``chalicelib.reporting``.
Path parameters arrive percent-encoded (an ``id_externe`` may hold ``/``, spaces or accents) and
are decoded once here.
"""

from __future__ import annotations

from urllib.parse import unquote

from chalice.app import Request, Response

from chalicelib.api import base
from chalicelib.auth import keys
from chalicelib.domain.clock import utcnow
from chalicelib.errors import BadRequestError, RelaisError
from chalicelib.reporting import coverage, referrals, report, youth_file, youths
from chalicelib.roster import erasure

CSV_TYPE = "text/csv; charset=utf-8"


class NotAcceptableError(RelaisError):
    status = 406
    code = "not_acceptable"


def path_value(value: str) -> str:
    return unquote(value or "", encoding="utf-8", errors="strict")


def list_youths(request: Request, code: str) -> Response:
    def call() -> dict:
        keys.require_department(base.caller(request), code)
        return youths.list_youths(code, base.query(request), utcnow())

    return base.handle(call)


def get_youth(request: Request, code: str, id_externe: str) -> Response:
    def call() -> dict:
        keys.require_department(base.caller(request), code)
        return youth_file.youth_detail(code, _id(id_externe), utcnow())

    return base.handle(call)


def delete_youth(request: Request, code: str, id_externe: str) -> Response:
    def call() -> Response:
        who = base.caller(request)
        keys.require_department(who, code)
        erasure.erase(code, _id(id_externe), actor=who.actor, now=utcnow())
        return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})

    return base.handle(call)


def list_referrals(request: Request, code: str) -> Response:
    def call() -> Response | dict:
        keys.require_department(base.caller(request), code)
        query = base.query(request)
        now = utcnow()
        if referrals.wants_csv(query):
            require_csv_accepted(request)
            filename = f"relais-{code}-orientations-{now.date().isoformat()}.csv"
            return csv_response(referrals.export_csv(code, query, now), filename)
        return referrals.list_referrals(code, query, now)

    return base.handle(call)


def get_report(request: Request, code: str) -> Response:
    def call() -> dict:
        keys.require_operator_or_department(base.caller(request), code)
        return report.report(code, utcnow())

    return base.handle(call)


def coverage_gaps(request: Request) -> Response:
    def call() -> dict:
        who = base.caller(request)
        code = (base.query(request).get("department") or "").strip().upper()
        if not code or len(code) > 3:
            raise BadRequestError(
                "Paramètre department obligatoire (ex. 59, 2A, 974).", code="invalid_parameter"
            )
        keys.require_operator_or_department(who, code)
        return coverage.gaps(code, utcnow())

    return base.handle(call)


def require_csv_accepted(request: Request) -> None:
    """A CSV answer is binary for API Gateway: the request must accept it (``Accept: text/csv``
    or ``*/*``), else say so in our own error rather than the gateway's."""
    accept = base.header(request, "accept") or ""
    parts = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if not parts & {"text/csv", "*/*"}:
        raise NotAcceptableError(
            "Export CSV : envoyez l'en-tête « Accept: text/csv ».", code="not_acceptable"
        )


def csv_response(text: str, filename: str) -> Response:
    return Response(
        body=text.encode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": CSV_TYPE,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _id(raw: str) -> str:
    try:
        return path_value(raw)
    except UnicodeDecodeError:
        raise BadRequestError("Identifiant mal encodé.", code="invalid_parameter") from None

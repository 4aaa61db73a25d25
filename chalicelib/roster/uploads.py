"""Large rosters through S3: a presigned PUT, then the S3 event processes the file.

``POST …/roster-uploads`` creates the upload (status ``waiting``) and a presigned URL; the S3
``ObjectCreated`` event runs the same roster path as the direct upload, recording progress
(``rows_done``/``rows_total``) and the final report. The file is deleted once processed.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from pynamodb.exceptions import UpdateError

from chalicelib import aws, settings
from chalicelib.departments import service as departments
from chalicelib.domain import clock
from chalicelib.domain.clock import iso, utcnow
from chalicelib.errors import BadRequestError, NotFoundError, RelaisError
from chalicelib.observability import log_failure, logger
from chalicelib.roster import parsing
from chalicelib.roster import service as roster
from chalicelib.store.models import Upload

UPLOAD_ID = re.compile(r"^upl_[0-9a-f]{24}$")
URL_LIFETIME = timedelta(minutes=15)
UPLOAD_TTL = timedelta(days=30)
PREFIX = "uploads/"


def object_key(department: str, upload_id: str) -> str:
    return f"{PREFIX}{department}/{upload_id}"


def create(code: str, *, mode: str, dry_run: bool, actor: str) -> dict:
    department = departments.get(code)
    if mode not in roster.MODES:
        raise BadRequestError("Paramètre mode invalide : strict ou partial.")
    now = utcnow()
    upload_id = "upl_" + secrets.token_hex(12)
    Upload(
        upload_id,
        department=department.code,
        status="waiting",
        mode=mode,
        dry_run=dry_run,
        actor=actor,
        created_at=iso(now),
        expires_at=now + UPLOAD_TTL,
    ).save()
    url = aws.client("s3").generate_presigned_url(
        "put_object",
        Params={"Bucket": settings.current().upload_bucket, "Key": object_key(code, upload_id)},
        ExpiresIn=int(URL_LIFETIME.total_seconds()),
    )
    return {"upload_id": upload_id, "upload_url": url, "expires_at": iso(now + URL_LIFETIME)}


def status(code: str, upload_id: str) -> dict:
    if not UPLOAD_ID.match(upload_id or ""):
        raise NotFoundError("Dépôt inconnu.")
    try:
        upload = Upload.get(upload_id)
    except Upload.DoesNotExist:
        raise NotFoundError("Dépôt inconnu.") from None
    if upload.department != code:
        raise NotFoundError("Dépôt inconnu.")
    return {
        "upload_id": upload.upload_id,
        "status": upload.status,
        "rows_total": int(upload.rows_total or 0),
        "rows_done": int(upload.rows_done or 0),
        "report": upload.report.as_dict() if upload.report else None,
    }


def process_event(event: dict) -> list[str]:
    """A raw S3 notification (Lambda event): process each ``ObjectCreated`` record."""
    return [
        process_object(record["s3"]["bucket"]["name"], record["s3"]["object"]["key"])
        for record in event.get("Records", [])
        if record.get("eventName", "ObjectCreated").startswith("ObjectCreated")
    ]


def process_object(bucket: str, key: str) -> str:
    """Handle one S3 ``ObjectCreated`` record. Returns the upload's final status."""
    key = unquote_plus(key)
    parts = key.split("/")
    if len(parts) != 3 or not key.startswith(PREFIX):
        logger.warning("ignored object outside uploads/")
        return "ignored"
    _, code, upload_id = parts
    try:
        upload = Upload.get(upload_id)
    except Upload.DoesNotExist:
        logger.warning("object without upload", extra={"upload_id": upload_id})
        return "ignored"
    if upload.department != code:
        return "ignored"
    try:  # S3 may deliver an event twice: only one invocation takes the file
        upload.update(
            actions=[Upload.status.set("processing")], condition=Upload.status == "waiting"
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return upload.status
        raise
    s3 = aws.client("s3")
    try:
        data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        final, report = _run(upload, data)
    except RelaisError as error:
        final = "rejected"
        details = error.details if isinstance(error.details, dict) else {}
        report = {**details, "error": {"code": error.code, "message": error.message}}
    except Exception as error:
        log_failure("upload processing failed", error, upload_id=upload_id)
        final, report = "failed", {"error": {"code": "internal", "message": "Erreur interne."}}
    finally:
        s3.delete_object(Bucket=bucket, Key=key)
    upload.update(actions=[Upload.status.set(final), Upload.report.set(report)])
    return final


def _run(upload: Upload, data: bytes) -> tuple[str, dict]:
    department = departments.get(upload.department)
    now: datetime = utcnow()
    parsed = parsing.parse_roster(
        data, department=department.code, today=clock.local_today(department.code, now)
    )
    upload.update(actions=[Upload.rows_total.set(parsed.rows)])

    def progress(done: int) -> None:
        # ``done`` counts items written, exited youths included: never more than the file's rows
        upload.update(actions=[Upload.rows_done.set(min(done, parsed.rows))])

    report = roster.apply_parsed(
        department,
        parsed,
        mode=upload.mode,
        dry_run=bool(upload.dry_run),
        actor=upload.actor,
        now=now,
        progress=progress,
    )
    upload.update(actions=[Upload.rows_done.set(parsed.rows)])  # every row was dealt with
    return "done", report

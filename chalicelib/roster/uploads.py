"""Large rosters through S3 (SPEC §4): a presigned POST, then the S3 event processes the file.

``POST …/roster-uploads`` creates the upload (status ``waiting``, its options ``mode``,
``dry_run`` and ``confirm_exits`` fixed at creation) and an S3 presigned POST whose policy fixes
the key and caps the size at 50 MB. The S3 ``ObjectCreated`` event takes the upload (a conditional
claim: ``waiting``, or ``processing`` left by a run that died — same Lambda request retried, or a
claim older than the Lambda timeout), streams the object to a spooled temporary file and runs the
same roster path as the direct upload, recording progress and the final report. An event whose
object does not exist (yet) leaves the upload ``waiting``. The object is deleted after processing,
whatever happens.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from datetime import datetime, timedelta
from typing import IO
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError

from chalicelib import aws, limits, settings
from chalicelib.departments import service as departments
from chalicelib.errors import BadRequestError, NotFoundError, RelaisError
from chalicelib.observability import log_failure, logger
from chalicelib.roster import service as roster
from chalicelib.store.base import iso, utcnow
from chalicelib.store.models import Upload

UPLOAD_ID = re.compile(r"^upl_[0-9a-f]{24}$")
URL_LIFETIME = timedelta(minutes=15)
UPLOAD_TTL = timedelta(days=30)
CLAIM_LEASE = timedelta(minutes=6)  # the Lambda's timeout (300 s) and a margin: its run is over
PREFIX = "uploads/"
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger objects spill to /tmp
_MISSING = ("NoSuchKey", "404", "NotFound")


def object_key(department: str, upload_id: str) -> str:
    return f"{PREFIX}{department}/{upload_id}"


def create(code: str, *, mode: str, dry_run: bool, actor: str, confirm_exits: bool = False) -> dict:
    """201 body: ``{upload_id, upload_url, fields, expires_at}`` (SPEC §4)."""
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
        confirm_exits=confirm_exits,
        actor=actor,
        created_at=iso(now),
        expires_at=now + UPLOAD_TTL,
    ).save()
    post = aws.client("s3").generate_presigned_post(
        Bucket=settings.current().upload_bucket,
        Key=object_key(department.code, upload_id),
        Conditions=[["content-length-range", 1, limits.MAX_UPLOAD_BYTES]],
        ExpiresIn=int(URL_LIFETIME.total_seconds()),
    )
    return {
        "upload_id": upload_id,
        "upload_url": post["url"],
        "fields": post["fields"],
        "expires_at": iso(now + URL_LIFETIME),
    }


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


def process_event(event: dict, attempt: str | None = None) -> list[str]:
    """A raw S3 notification (Lambda event): process each ``ObjectCreated`` record.
    ``attempt``: the Lambda request id, the same when Lambda retries a failed event."""
    return [
        process_object(record["s3"]["bucket"]["name"], record["s3"]["object"]["key"], attempt)
        for record in event.get("Records", [])
        if record.get("eventName", "ObjectCreated").startswith("ObjectCreated")
    ]


def process_object(bucket: str, key: str, attempt: str | None = None) -> str:
    """Handle one S3 ``ObjectCreated`` record. Returns the upload's status afterwards."""
    upload = _upload_of(unquote_plus(key))
    if upload is None:
        return "ignored"
    claim = attempt or secrets.token_hex(8)
    if not claim_upload(upload, claim, utcnow()):
        return str(upload.status)
    key = object_key(upload.department, upload.upload_id)
    s3 = aws.client("s3")
    spool = _download(s3, bucket, key)
    if spool is None:
        release_upload(upload, claim)
        return "waiting"
    try:
        final, report = _outcome(upload, spool)
    finally:
        spool.close()
        s3.delete_object(Bucket=bucket, Key=key)
    finish_upload(upload, final, report)
    return final


def _upload_of(key: str) -> Upload | None:
    parts = key.split("/")
    if len(parts) != 3 or not key.startswith(PREFIX):
        logger.warning("ignored object outside uploads/")
        return None
    _, code, upload_id = parts
    try:
        upload = Upload.get(upload_id)
    except Upload.DoesNotExist:
        logger.warning("object without upload", extra={"upload_id": upload_id})
        return None
    return upload if upload.department == code else None


def claim_upload(upload: Upload, claim: str, now: datetime) -> bool:
    """Transition ``waiting`` → ``processing`` (or take again a dead run's ``processing``)."""
    stale = iso(now - CLAIM_LEASE)
    condition = (Upload.status == "waiting") | (
        (Upload.status == "processing") & ((Upload.claim_id == claim) | (Upload.claimed_at < stale))
    )
    try:
        upload.update(
            actions=[
                Upload.status.set("processing"),
                Upload.claim_id.set(claim),
                Upload.claimed_at.set(iso(now)),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            upload.refresh()
            return False
        raise
    return True


def release_upload(upload: Upload, claim: str) -> None:
    """Transition ``processing`` → ``waiting``: the object is not there (yet)."""
    logger.info("upload object missing: left waiting", extra={"upload_id": upload.upload_id})
    upload.update(
        actions=[
            Upload.status.set("waiting"),
            Upload.claim_id.remove(),
            Upload.claimed_at.remove(),
        ],
        condition=(Upload.status == "processing") & (Upload.claim_id == claim),
    )


def finish_upload(upload: Upload, final: str, report: dict) -> None:
    """Transition ``processing`` → ``done`` | ``rejected`` | ``failed`` with its report."""
    upload.update(actions=[Upload.status.set(final), Upload.report.set(report)])


def _download(s3: object, bucket: str, key: str) -> IO[bytes] | None:
    """The object streamed into a spooled file (memory up to 8 MB, then /tmp); None if absent."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        s3.download_fileobj(bucket, key, spool)  # type: ignore[attr-defined]
    except ClientError as error:
        spool.close()
        if error.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
    spool.seek(0)
    return spool  # type: ignore[return-value]


def _outcome(upload: Upload, spool: IO[bytes]) -> tuple[str, dict]:
    try:
        return _run(upload, spool)
    except RelaisError as error:
        details = error.details if isinstance(error.details, dict) else {}
        return "rejected", {**details, "error": {"code": error.code, "message": error.message}}
    except Exception as error:
        log_failure("upload processing failed", error, upload_id=upload.upload_id)
        return "failed", {"error": {"code": "internal", "message": "Erreur interne."}}


def _run(upload: Upload, spool: IO[bytes]) -> tuple[str, dict]:
    department = departments.get(upload.department)
    now: datetime = utcnow()
    parsed = roster.parse(department, spool, now)
    upload.update(actions=[Upload.rows_total.set(parsed.rows)])

    def progress(done: int) -> None:
        # ``done`` counts items written, exited youths included: never more than the file's rows
        upload.update(actions=[Upload.rows_done.set(min(done, parsed.rows))])

    report = roster.apply_parsed(
        department,
        parsed,
        mode=upload.mode,
        dry_run=bool(upload.dry_run),
        confirm_exits=bool(upload.confirm_exits),
        actor=upload.actor,
        now=now,
        progress=progress,
    )
    upload.update(actions=[Upload.rows_done.set(parsed.rows)])  # every row was dealt with
    return "done", report

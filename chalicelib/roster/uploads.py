"""Large rosters through S3 (SPEC §4): a presigned POST, then the S3 event processes the file.

``POST …/roster-uploads`` creates the upload (status ``waiting``, its options ``mode``,
``dry_run`` and ``confirm_exits`` fixed at creation) and an S3 presigned POST whose policy fixes
the key and caps the size at 50 MB. The S3 ``ObjectCreated`` event takes the upload (a conditional
claim: ``waiting``, or ``processing`` left by a run that died — same Lambda request retried, or a
claim older than the Lambda timeout), streams the object to a spooled temporary file and runs the
same roster path as the direct upload, recording progress and the final report. An event whose
object does not exist (yet) leaves the upload ``waiting``. The object is deleted after processing,
whatever happens.

A run killed mid-processing (Lambda timeout, out of memory) after Lambda's own retries leaves the
upload ``processing`` and no event comes again: the ``uploads`` job (every 15 minutes) hands
each upload whose run's lease is over to the upload Lambda again (``take_up``). An upload
claimed more than ``MAX_ATTEMPTS`` times — a file that kills every run — is reported ``failed``
in French, and so is one whose object vanished while it was being processed: never left waiting
(SPEC §6 v3).
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections import Counter
from datetime import datetime, timedelta
from typing import IO, Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

from chalicelib import aws, limits, settings
from chalicelib.departments import service as departments
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.stored import StoredUpload
from chalicelib.errors import BadRequestError, NotFoundError, RelaisError
from chalicelib.observability import log_failure, logger
from chalicelib.roster import service as roster
from chalicelib.store import uploads as upload_store
from chalicelib.store.uploads import UPLOAD_TTL, UploadStatus

REPORT_KEPT = UPLOAD_TTL  # an upload and its report are erased together (TTL)

UPLOAD_ID = re.compile(r"^upl_[0-9a-f]{24}$")
URL_LIFETIME = timedelta(minutes=15)
PREFIX = "uploads/"
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger objects spill to /tmp
_MISSING = ("NoSuchKey", "404", "NotFound")
TAKE_UP_BATCH = 5  # a sweep run reprocesses at most this many uploads of one department
GAVE_UP = {
    "error": {
        "code": "processing_interrupted",
        "message": (
            "Le traitement du fichier s'est interrompu à plusieurs reprises et n'a pas abouti. "
            "Aucune donnée n'a été perdue. Vérifiez le fichier (taille, format) puis "
            "déposez-le à nouveau ; si cela se reproduit, contactez l'équipe Relais ASE."
        ),
    }
}
VANISHED = {
    "error": {
        "code": "file_missing",
        "message": (
            "Le fichier déposé n'est plus disponible et son traitement n'a pas abouti. "
            "Déposez-le à nouveau."
        ),
    }
}


def object_key(department: str, upload_id: str) -> str:
    return f"{PREFIX}{department}/{upload_id}"


def create(code: str, *, mode: str, dry_run: bool, actor: str, confirm_exits: bool = False) -> dict:
    """201 body: ``{upload_id, upload_url, fields, expires_at}`` (SPEC §4)."""
    department = departments.get(code)
    if mode not in roster.MODES:
        raise BadRequestError("Paramètre mode invalide : strict ou partial.")
    now = utcnow()
    upload_id = "upl_" + secrets.token_hex(12)
    upload_store.create(
        upload_id,
        department=department.code,
        now=now,
        mode=mode,
        dry_run=dry_run,
        confirm_exits=confirm_exits,
        actor=actor,
    )
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
    upload = upload_store.get(upload_id)
    if upload is None or upload.department != code:
        raise NotFoundError("Dépôt inconnu.")
    return {
        "upload_id": upload.upload_id,
        "status": upload.status,
        "rows_total": int(upload.rows_total or 0),
        "rows_done": int(upload.rows_done or 0),
        "report": upload.report.as_dict() if upload.report else None,
    }


def note_file(code: str, upload_id: str, etag: str) -> bool:
    """Record which file (S3 ETag) the upload reads; once (``store.uploads.note_file``)."""
    status(code, upload_id)  # 404 for another department's
    return upload_store.note_file(upload_id, etag)


def file_etag(code: str, upload_id: str) -> str | None:
    """The ETag ``note_file`` recorded, None if none."""
    status(code, upload_id)
    upload = upload_store.get(upload_id)
    return upload.file_etag if upload is not None else None


def process_event(event: object, attempt: str | None = None) -> list[str]:
    """A raw S3 notification (Lambda event): process each ``ObjectCreated`` record.
    ``attempt``: the Lambda request id, the same when Lambda retries a failed event. A malformed
    event or record (not an object, keys missing or of the wrong type) is logged and dropped."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        logger.warning("S3 event dropped: no records")
        return []
    found: list[str] = []
    for record in records:
        located = _object_of(record)
        if located is None:
            logger.warning("S3 record dropped: malformed")
            continue
        if located[2].startswith("ObjectCreated"):
            found.append(process_object(located[0], located[1], attempt))
    return found


def _object_of(record: object) -> tuple[str, str, str] | None:
    """(bucket, key, event name) of a well-formed S3 record, else None."""
    if not isinstance(record, dict):
        return None
    s3 = record.get("s3")
    bucket = s3.get("bucket") if isinstance(s3, dict) else None
    item = s3.get("object") if isinstance(s3, dict) else None
    name = bucket.get("name") if isinstance(bucket, dict) else None
    key = item.get("key") if isinstance(item, dict) else None
    event_name = record.get("eventName", "ObjectCreated")
    if not all(isinstance(value, str) and value for value in (name, key, event_name)):
        return None
    return str(name), str(key), str(event_name)


def process_object(bucket: str, key: str, attempt: str | None = None) -> str:
    """Handle one S3 ``ObjectCreated`` record. Returns the upload's status afterwards."""
    upload = _upload_of(unquote_plus(key))
    if upload is None:
        return "ignored"
    claim = attempt or secrets.token_hex(8)
    was_processing = upload.status == UploadStatus.PROCESSING
    if not upload_store.claim(upload, claim, utcnow()):
        return str(upload.status)
    key = object_key(upload.department, upload.upload_id)
    s3 = aws.client("s3")
    if int(upload.attempts or 0) > upload_store.MAX_ATTEMPTS:
        logger.error("upload processing keeps dying: failed", extra={"upload_id": upload.upload_id})
        s3.delete_object(Bucket=bucket, Key=key)
        upload_store.finish(upload, UploadStatus.FAILED, GAVE_UP)
        return UploadStatus.FAILED
    spool = _download(s3, bucket, key)
    if spool is None:
        return _missing(upload, claim, was_processing)
    try:
        final, report = _outcome(upload, spool)
    finally:
        spool.close()
        s3.delete_object(Bucket=bucket, Key=key)
    upload_store.finish(upload, final, report)
    return final


def _missing(upload: StoredUpload, claim: str, was_processing: bool) -> str:
    """No object: not there yet (``waiting`` again), or gone from under a dead run (failed)."""
    if was_processing:
        logger.error("upload object gone mid-processing", extra={"upload_id": upload.upload_id})
        upload_store.finish(upload, UploadStatus.FAILED, VANISHED)
        return UploadStatus.FAILED
    logger.info("upload object missing: left waiting", extra={"upload_id": upload.upload_id})
    upload_store.release(upload, claim)
    return UploadStatus.WAITING


def take_up(department: str, now: datetime) -> Counter[str]:
    """The ``uploads`` job: each upload of the department left ``processing`` by a dead run (its
    lease is over) is handed again to the upload Lambda, by copying its object onto itself (a
    new ``ObjectCreated`` event: the run gets the upload Lambda's memory, not the job worker's);
    one whose object is gone is processed here, which reports it failed. Counts by outcome."""
    bucket = settings.current().upload_bucket
    s3 = aws.client("s3")
    counts: Counter[str] = Counter()
    for upload in upload_store.leased_out(department, now, limit=TAKE_UP_BATCH):
        key = object_key(department, upload.upload_id)
        try:
            s3.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": key},
                Metadata={"taken-up": str(int(upload.attempts or 0))},
                MetadataDirective="REPLACE",
            )
            counts["taken_up"] += 1
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in _MISSING:
                raise
            counts[process_object(bucket, key)] += 1
    return counts


def has_stuck(department: str, now: datetime) -> bool:
    """Is an upload of ``department`` left by a dead run? (one Query of at most one item)"""
    return bool(upload_store.leased_out(department, now, limit=1))


def _upload_of(key: str) -> StoredUpload | None:
    parts = key.split("/")
    if len(parts) != 3 or not key.startswith(PREFIX):
        logger.warning("ignored object outside uploads/")
        return None
    _, code, upload_id = parts
    upload = upload_store.get(upload_id)
    if upload is None:
        logger.warning("object without upload", extra={"upload_id": upload_id})
        return None
    return upload if upload.department == code else None


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
    return spool


def _outcome(upload: StoredUpload, spool: IO[bytes]) -> tuple[UploadStatus, dict[str, Any]]:
    try:
        return _run(upload, spool)
    except RelaisError as error:
        details = error.details if isinstance(error.details, dict) else {}
        return UploadStatus.REJECTED, {
            **details,
            "error": {"code": error.code, "message": error.message},
        }
    except Exception as error:
        log_failure("upload processing failed", error, upload_id=upload.upload_id)
        return UploadStatus.FAILED, {"error": {"code": "internal", "message": "Erreur interne."}}


def _run(upload: StoredUpload, spool: IO[bytes]) -> tuple[UploadStatus, dict[str, Any]]:
    department = departments.get(upload.department)
    now: datetime = utcnow()
    parsed = roster.parse(department, spool, now)
    upload_store.progress(upload, total=parsed.rows)

    def progress(done: int) -> None:
        # ``done`` counts items written, exited youths included: never more than the file's rows
        upload_store.progress(upload, done=min(done, parsed.rows))

    report = roster.apply_parsed(
        department,
        parsed,
        mode=upload.mode,
        dry_run=bool(upload.dry_run),
        confirm_exits=bool(upload.confirm_exits),
        actor=upload.actor,
        now=now,
        progress=progress,
        upload_id=upload.upload_id,
    )
    upload_store.progress(upload, done=parsed.rows)  # every row was dealt with
    return UploadStatus.DONE, report

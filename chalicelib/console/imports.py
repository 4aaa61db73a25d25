"""The console's import: the file goes to S3, a dry run reports, the agent applies (SPEC §4b).

The file is kept under ``console/{department}/{upload_id}`` (the bucket's lifecycle deletes it
after a day) and each step runs through the roster-upload pipeline of SPEC §4: the staged file is
copied to ``uploads/{department}/{upload_id}`` of a new upload (dry run, then the real one) and
processed by the same code as the S3 event. A file of at most 4 MB is processed within the
request, a larger one by the S3 event (the page follows its progress).

The browser sends large files straight to S3 with a presigned POST (capped at 50 MB). Without
JavaScript the form posts a file of at most 4 MB to the console (API Gateway's limit); a larger
one goes to S3 through a plain HTML form carrying the same presigned POST, whose
``success_action_redirect`` brings the browser back to the console page that checks it.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta

from chalicelib import aws, limits, settings
from chalicelib.departments import journal
from chalicelib.domain import clock
from chalicelib.domain.clock import parse_iso
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError, RelaisError
from chalicelib.roster import columns, uploads
from chalicelib.roster import service as roster
from chalicelib.tabular import read_table

PREFIX = "console/"
MODE = "partial"  # rejected rows are reported and left as they were; the rest is applied
SYNC_BYTES = 4 * 1024 * 1024
POST_LIFETIME = timedelta(minutes=15)
HISTORY_ACTIONS = ("roster_uploaded", "column_mapping_saved")
REPLACED = (
    "Le fichier a changé depuis sa vérification : déposez-le à nouveau pour le vérifier avant "
    "de l'appliquer."
)


def staged_key(code: str, upload_id: str) -> str:
    return f"{PREFIX}{code}/{upload_id}"


def _bucket() -> str:
    return settings.current().upload_bucket


def new_dry_run(code: str, actor: str) -> str:
    return str(uploads.create(code, mode=MODE, dry_run=True, actor=actor)["upload_id"])


def page_path(upload_id: str) -> str:
    """The console page of an upload: its progress, then its report."""
    return f"/console/import/{upload_id}"


def presigned_post(code: str, actor: str, *, back_to_console: bool = False) -> dict:
    """A dry-run upload and the presigned POST that puts the file in its staging place.
    ``back_to_console``: for an HTML form (no script), S3 then redirects the browser to the
    upload's console page (a script's request must not follow a redirect to a page)."""
    upload_id = new_dry_run(code, actor)
    fields: dict[str, str] = {}
    if back_to_console:
        fields["success_action_redirect"] = settings.current().public_base_url + page_path(
            upload_id
        )
    post = aws.client("s3").generate_presigned_post(
        Bucket=_bucket(),
        Key=staged_key(code, upload_id),
        Fields=fields,
        Conditions=[
            ["content-length-range", 1, limits.MAX_UPLOAD_BYTES],
            *([fields] if fields else []),
        ],
        ExpiresIn=int(POST_LIFETIME.total_seconds()),
    )
    return {"upload_id": upload_id, "url": post["url"], "fields": post["fields"]}


def stage_bytes(code: str, data: bytes, actor: str) -> str:
    """The form's file (no JavaScript): staged like a browser upload; returns the upload id."""
    if not data:
        raise BadRequestError("Choisissez un fichier.", code="empty_body")
    upload_id = new_dry_run(code, actor)
    aws.client("s3").put_object(Bucket=_bucket(), Key=staged_key(code, upload_id), Body=data)
    return upload_id


def _owned(code: str, upload_id: str) -> dict:
    return uploads.status(code, upload_id)  # 404 for a malformed id or another department's


def run(code: str, upload_id: str) -> None:
    """Hand the staged file to the upload pipeline (copy → ``uploads/``), at once when small."""
    if _owned(code, upload_id)["status"] != "waiting":
        return  # already taken (a reload, a double click)
    s3 = aws.client("s3")
    try:
        size = s3.head_object(Bucket=_bucket(), Key=staged_key(code, upload_id))["ContentLength"]
    except s3.exceptions.ClientError:
        raise NotFoundError(
            "Le fichier n'est pas (encore) arrivé : déposez-le à nouveau."
        ) from None
    target = uploads.object_key(code, upload_id)
    copied = s3.copy_object(
        Bucket=_bucket(),
        Key=target,
        CopySource={"Bucket": _bucket(), "Key": staged_key(code, upload_id)},
    )
    # the file this run reads, by its ETag: "Apply" applies only a copy with the same one
    if not uploads.note_file(code, upload_id, copied["CopyObjectResult"]["ETag"]):
        return  # another run of the same upload (a double click) copied it first
    if size <= SYNC_BYTES:
        uploads.process_object(_bucket(), target)


def run_arrived(code: str, upload_id: str) -> None:
    """Check the file the form without script sent to S3 (S3 redirected the browser to its
    page), once: a page reloaded while a large file is processed does not copy it again."""
    if _owned(code, upload_id)["status"] == "waiting" and not uploads.file_etag(code, upload_id):
        run(code, upload_id)


def apply(code: str, dry_run_id: str, *, confirm_exits: bool, actor: str) -> str:
    """The real upload of a checked file; returns its upload id."""
    checked = _owned(code, dry_run_id)
    if checked["status"] not in ("done", "rejected"):
        raise ConflictError("La vérification de ce fichier n'est pas terminée.")
    checked_file = uploads.file_etag(code, dry_run_id)
    if not checked_file:
        raise ConflictError(REPLACED)
    upload_id = str(
        uploads.create(code, mode=MODE, dry_run=False, confirm_exits=confirm_exits, actor=actor)[
            "upload_id"
        ]
    )
    _copy_staged(code, dry_run_id, upload_id, checked_file)
    run(code, upload_id)
    return upload_id


def _copy_staged(code: str, source_id: str, target_id: str, etag: str | None = None) -> None:
    """Copy a staged file for a new upload; with ``etag``, only that very file: the staged
    place can be written again while its presigned POST lives (15 minutes), so a file replaced
    after its check is refused (S3 checks ``CopySourceIfMatch``; the copy's own ETag is compared
    too, as not every S3 implementation honours the condition)."""
    s3 = aws.client("s3")
    source = {"Bucket": _bucket(), "Key": staged_key(code, source_id)}
    target = staged_key(code, target_id)
    condition = {"CopySourceIfMatch": etag} if etag else {}
    try:
        copied = s3.copy_object(Bucket=_bucket(), Key=target, CopySource=source, **condition)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
            raise ConflictError(REPLACED) from None
        raise ConflictError(
            "Ce fichier n'est plus disponible (plus d'un jour) : déposez-le à nouveau."
        ) from None
    if etag and copied["CopyObjectResult"]["ETag"] != etag:
        s3.delete_object(Bucket=_bucket(), Key=target)
        raise ConflictError(REPLACED)


def headers_of(code: str, upload_id: str) -> list[str]:
    """The staged file's header row (read without its rows)."""
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        try:
            aws.client("s3").download_fileobj(_bucket(), staged_key(code, upload_id), spool)
        except Exception:
            return []
        spool.seek(0)
        try:
            return read_table(spool, columns.header_test(roster.column_mapping(code))).headers
        except RelaisError:
            return []


def columns_of(code: str, upload_id: str) -> dict:
    """Which header feeds which column, which are ignored, which required ones are missing."""
    return columns.describe(headers_of(code, upload_id), roster.column_mapping(code))


def remap(code: str, dry_run_id: str, choices: dict[str, str], *, actor: str) -> str:
    """Save the agent's column choices (added to the department's mapping) and check again."""
    _owned(code, dry_run_id)
    chosen = {header: column for header, column in choices.items() if column}
    if not chosen:
        raise BadRequestError("Choisissez au moins une colonne.", code="invalid_mapping")
    roster.save_column_mapping(code, {**roster.column_mapping(code), **chosen}, actor=actor)
    upload_id = new_dry_run(code, actor)
    _copy_staged(code, dry_run_id, upload_id)
    run(code, upload_id)
    return upload_id


def history(code: str) -> list[dict]:
    """The department's applied files and saved mappings, newest first, in local time; each
    upload's report is linked while it is kept (``uploads.REPORT_KEPT``), never a dead link."""
    zone, kept_since = clock.zone_of(code), clock.utcnow() - uploads.REPORT_KEPT
    events = []
    for event in journal.events(code, limit=200):
        if event["action"] in HISTORY_ACTIONS:
            at = parse_iso(event["at"])
            events.append({**event, "at": at.astimezone(zone), "report_kept": at > kept_since})
    return events

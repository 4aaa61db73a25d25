"""Roster uploads through S3 and their named, conditional transitions.

waiting ──claim──► processing ──finish──► done | rejected | failed
   ▲                   │
   └──── release ──────┘ (the object is not there yet)
processing (a dead run's, older than the lease) ──claim──► processing
processing (claimed more than MAX_ATTEMPTS times: a run that keeps dying) ──finish──► failed

A claim sets ``lease_until`` (sparse ``lease-index``), which release and finish remove: a run
killed mid-processing leaves its upload there, where the sweep (``leased_out``) finds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from chalicelib.domain.clock import iso
from chalicelib.domain.stored import StoredUpload
from chalicelib.store.base import own
from chalicelib.store.models import Upload
from chalicelib.store.writes import applied

__all__ = ["UploadStatus"]

UPLOAD_TTL = timedelta(days=30)
CLAIM_LEASE = timedelta(minutes=6)  # the Lambda's timeout (300 s) and a margin: its run is over
MAX_ATTEMPTS = 3  # the S3 event's run and Lambda's 2 retries; the sweep's claim beyond: failed


class UploadStatus(StrEnum):
    WAITING = "waiting"
    PROCESSING = "processing"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"


def create(upload_id: str, *, department: str, now: datetime, **options: Any) -> StoredUpload:
    upload = Upload(
        upload_id,
        department=department,
        status=UploadStatus.WAITING,
        created_at=iso(now),
        expires_at=now + UPLOAD_TTL,
        **options,
    )
    upload.save()
    return cast(StoredUpload, upload)


def get(upload_id: str) -> StoredUpload | None:
    try:
        return cast(StoredUpload, Upload.get(upload_id))
    except Upload.DoesNotExist:
        return None


def claim(upload: StoredUpload, claim_id: str, now: datetime) -> bool:
    """``waiting`` → ``processing`` (or take again a dead run's ``processing``); on refusal the
    item is read again so that the caller sees its current status."""
    stale = iso(now - CLAIM_LEASE)
    condition = (Upload.status == UploadStatus.WAITING) | (
        (Upload.status == UploadStatus.PROCESSING)
        & ((Upload.claim_id == claim_id) | (Upload.claimed_at < stale))
    )
    item = own(upload, Upload)
    taken = applied(
        lambda: item.update(
            actions=[
                Upload.status.set(UploadStatus.PROCESSING),
                Upload.claim_id.set(claim_id),
                Upload.claimed_at.set(iso(now)),
                Upload.lease_until.set(iso(now + CLAIM_LEASE)),
                Upload.attempts.add(1),
            ],
            condition=condition,
        )
    )
    if not taken:
        item.refresh()
    return taken


def release(upload: StoredUpload, claim_id: str) -> bool:
    """``processing`` → ``waiting``: the object is not there (yet)."""
    return applied(
        lambda: own(upload, Upload).update(
            actions=[
                Upload.status.set(UploadStatus.WAITING),
                Upload.claim_id.remove(),
                Upload.claimed_at.remove(),
                Upload.lease_until.remove(),
            ],
            condition=(Upload.status == UploadStatus.PROCESSING) & (Upload.claim_id == claim_id),
        )
    )


def finish(upload: StoredUpload, final: UploadStatus, report: dict[str, Any]) -> None:
    """``processing`` → ``done`` | ``rejected`` | ``failed`` with its report."""
    own(upload, Upload).update(
        actions=[
            Upload.status.set(final),
            Upload.report.set(report),
            Upload.lease_until.remove(),
        ]
    )


def leased_out(department: str, now: datetime, limit: int | None = None) -> list[StoredUpload]:
    """The department's uploads left ``processing`` by a run whose lease is over (one Query)."""
    found = Upload.lease_index.query(department, Upload.lease_until <= iso(now), limit=limit)
    return cast(list[StoredUpload], list(found))


def note_file(upload_id: str, etag: str) -> bool:
    """Which file this upload reads (its S3 ETag), set once: the console applies a checked file
    only if the copy it applies has the same ETag. False when already set or gone."""
    return applied(
        lambda: Upload(upload_id).update(
            actions=[Upload.file_etag.set(etag)],
            condition=Upload.upload_id.exists() & Upload.file_etag.does_not_exist(),
        )
    )


def progress(upload: StoredUpload, *, total: int | None = None, done: int | None = None) -> None:
    actions: list[Any] = []
    if total is not None:
        actions.append(Upload.rows_total.set(total))
    if done is not None:
        actions.append(Upload.rows_done.set(done))
    own(upload, Upload).update(actions=actions)

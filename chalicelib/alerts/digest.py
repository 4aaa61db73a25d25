"""The daily alert digest (SPEC §7): one email per department per day, only when something is new.

Reads the department's alerts raised since its last digest (``digest-index``, one Query) and the
open ones (``open-index``) for the "still open" count; queues one message whose id is derived from
(department, local date), then marks each listed alert as included. A second run the same day
finds the message already queued and leaves newer alerts for the next day's digest. A run dying
between the queueing and the marks lists those alerts again the next day (never loses them).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from chalicelib.alerts import links, wording
from chalicelib.domain import clock, ids
from chalicelib.domain.alerts import DIGEST_ORDER, AlertKind
from chalicelib.domain.stored import StoredAlert, StoredDepartment
from chalicelib.store import alerts as store
from chalicelib.store import messages as message_store

MAX_LINES = 150  # a DynamoDB item holds 400 KB: beyond this, the console lists the rest
TEMPLATE = "alert_digest"


def run_department(department: StoredDepartment, now: datetime) -> Counter:
    """Today's digest of one department (a work item of the ``alerts`` job)."""
    totals: Counter = Counter()
    listed = send(department, now)
    if listed:
        totals["digests"] += 1
        totals["alerts_listed"] += listed
    return totals


def message_id(department: str, day: date) -> str:
    return ids.message_id("alert_digest", department, day.isoformat())


def send(department: StoredDepartment, now: datetime) -> int:
    """Queue today's digest of ``department``; return how many alerts it lists (0: none sent)."""
    fresh = store.pending_digest(department.code, now)
    if not fresh:
        return 0
    today = clock.local_today(department.code, now)
    digest_id = message_id(department.code, today)
    still_open = [a for a in store.list_open(department.code, now) if a.digest_due is None]
    message = message_store.new(
        message_id=digest_id,
        department=department.code,
        purpose="alert",
        template=TEMPLATE,
        channel="email",
        recipients=[department.contact_email],
        context=context(department, fresh, still_open, today),
        now=now,
        # it names youths: it goes no later than the first of them (SPEC §6 v3)
        expires_at=min(
            (a.expires_at for a in fresh if a.expires_at), default=now + message_store.MESSAGE_TTL
        ),
    )
    if not message_store.enqueue(message):
        return 0  # today's digest is already out: these wait for tomorrow's
    for alert in fresh:
        store.mark_included(alert, digest_id, now)
    return len(fresh)


def context(
    department: StoredDepartment,
    fresh: list[StoredAlert],
    still_open: list[StoredAlert],
    today: date,
) -> dict:
    """What the template needs, worded now (plain JSON: stored on the message)."""
    order = {kind: rank for rank, kind in enumerate(DIGEST_ORDER)}
    fresh = sorted(fresh, key=lambda a: (order[AlertKind(a.kind)], a.raised_at))
    items = [
        wording.line(a.alert_id, a.kind, a.details_view(), a.id_externe).as_dict()
        for a in fresh[:MAX_LINES]
    ]
    counts = Counter(AlertKind(a.kind) for a in fresh)
    return {
        "department": {
            "code": department.code,
            "name": department.name,
            "contact_email": department.contact_email,
        },
        "date": today.isoformat(),
        "items": items,
        "sections": [
            {"kind": kind.value, "title": wording.SECTIONS[kind], "count": counts[kind]}
            for kind in DIGEST_ORDER
            if counts[kind]
        ],
        "not_listed": max(0, len(fresh) - MAX_LINES),
        "to_act": sum(n for kind, n in counts.items() if kind.actionable),
        "still_open": len(still_open),
        "alerts_url": links.alerts_url(),
    }

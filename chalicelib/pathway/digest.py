"""The weekly risk digest (SPEC §5.1): each referent, and the department, once a week.

For each department, in its local week: read the youths less than 6 months from majority through
``majority-index`` (only those), keep the active, unexpired ones with a part ``a_traiter``, and
queue one email per referent listing their youths plus one to the department contact listing all.
Nothing is queued when nobody is at risk. Each message id is derived from (department, ISO week,
recipient): however often the job runs in a week, a recipient gets one digest; the next week,
another while a part is still ``a_traiter``. The dispatcher sends them (purpose ``digest``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from chalicelib.domain import clock, ids
from chalicelib.domain.clock import add_months
from chalicelib.domain.enums import Channel, YouthStatus
from chalicelib.domain.stored import StoredDepartment, StoredMessage, StoredYouth
from chalicelib.observability import emit
from chalicelib.pathway import content
from chalicelib.pathway.content import RiskEntry
from chalicelib.reporting.indicators import HORIZON_MONTHS
from chalicelib.store import messages as message_store
from chalicelib.store import youths as youth_store

PURPOSE, TEMPLATE = "digest", "risk_digest"
# A digest names several youths: it is kept only as long as a late bounce or retry may need it
# (and an erasure has few weeks to look at: see ``message_ids``).
DIGEST_TTL = timedelta(days=35)
WEEKS_KEPT = DIGEST_TTL.days // 7 + 1


def run_department(department: StoredDepartment, now: datetime) -> Counter:
    """Queue this week's digests of one department (those already queued are left alone)."""
    today = clock.local_today(department.code, now)
    counts: Counter = Counter()
    entries: list[RiskEntry] = []
    for youth in near_majority(department.code, today, now):
        counts["youths_read"] += 1
        if youth.status != YouthStatus.ACTIVE:
            continue
        entry = content.risk_entry(youth_store.record_of(youth), today, youth.events())
        if entry is not None:
            entries.append(entry)
    counts["at_risk"] += len(entries)
    emit("PathwayRisks", len(entries), department=department.code)
    for message in digest_messages(department, entries, today, now):
        counts[
            "digests_queued" if message_store.enqueue(message) else "digests_already_queued"
        ] += 1
    return counts


def near_majority(code: str, today: date, now: datetime) -> Iterator[StoredYouth]:
    """The department's youths whose majority is strictly between today and 6 months from today:
    one Query of ``majority-index`` that reads only them."""
    first = today + timedelta(days=1)
    last = add_months(today, HORIZON_MONTHS) - timedelta(days=1)
    return youth_store.majority_between(code, first, last, now)


def digest_messages(
    department: StoredDepartment, entries: Iterable[RiskEntry], today: date, now: datetime
) -> list[StoredMessage]:
    """One message per referent (their youths) and one to the department contact (everyone).

    A referent who is also the department contact gets the department's digest only."""
    entries = list(entries)
    if not entries:
        return []
    view = {
        "code": department.code,
        "name": department.name,
        "contact_email": department.contact_email,
    }
    contact = department.contact_email.strip().lower()
    messages = [
        _message(department.code, address, content.referent_label(group), group, view, today, now)
        for address, group in content.by_referent(entries).items()
        if address != contact
    ]
    messages.append(
        _message(department.code, contact, content.DEPARTMENT_LABEL, entries, view, today, now)
    )
    return messages


def message_id(department: str, week: str, recipient: str) -> str:
    """The digest of ``recipient`` for ``week`` (``2026-W03``): one id, hence one email."""
    return ids.message_id(PURPOSE, department, week, content.recipient_hash(recipient))


def message_ids(department: str, recipients: Iterable[str], today: date) -> list[str]:
    """Every digest id that may still be stored for these recipients (erasure looks them up)."""
    weeks = [content.week_of(today - timedelta(weeks=back)) for back in range(WEEKS_KEPT + 1)]
    return [message_id(department, week, r) for r in sorted(set(recipients)) for week in weeks]


def expire_with(department: StoredDepartment, youth: StoredYouth, today: date) -> int:
    """A youth leaving (an exit) is kept ``retention_months``; the digests that may list it, its
    referent's and the department's, expire no later than it (a digest holds a copy of its line).
    Returns how many were shortened; one BatchGetItem when none is stored."""
    if youth.expires_at is None:
        return 0
    referent = youth_store.record_of(youth).referent_email.strip().lower()
    recipients = [
        address for address in (referent, department.contact_email.strip().lower()) if address
    ]
    stored = message_store.get_many(message_ids(department.code, recipients, today))
    return message_store.expire_by([message.message_id for message in stored], youth.expires_at)


def _message(
    department: str,
    recipient: str,
    label: str,
    entries: list[RiskEntry],
    view: dict,
    today: date,
    now: datetime,
) -> StoredMessage:
    return message_store.new(
        message_id=message_id(department, content.week_of(today), recipient),
        department=department,
        purpose=PURPOSE,
        template=TEMPLATE,
        channel=Channel.EMAIL,
        recipients=[recipient],
        context=content.digest_context(view, label, entries, today),
        now=now,
        expires_at=now + DIGEST_TTL,
    )

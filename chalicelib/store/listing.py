"""The console's youths list, one page at a time, from indexes made for it (SPEC §4b v3, §10).

A page reads ``size + 1`` items of one index (the extra one says whether another page follows),
forwards or backwards from a cursor, never the department's whole partition:

* ``majority-index`` (``majority_date``), ``name-index`` (``list_name``: folded "nom prénom",
  then the file number) and ``status-index`` (``list_status``: status, majority date, file
  number) of the youths table; ``list_keys`` writes the two list keys with every roster write;
* the flag views, ``blocked-index`` ("sans partenaire"), ``late-index`` ("sans réponse") and
  ``reroute-index`` ("à réorienter"): sparse indexes of the youths, one row a youth, written by
  ``store.youth_flags`` (their totals: its kept counts).

A cursor is the key of the row it starts after (or before): its values, in ``Source.keys``
order. It holds personal data (a name, a file number): the workflow seals it before it goes
into a URL.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from chalicelib.domain.stored import StoredReferral, StoredYouth
from chalicelib.store import youth_flags
from chalicelib.store.base import live, own, plain
from chalicelib.store.models import AuditEvent, ConsoleItem, Referral, Youth
from chalicelib.store.writes import applied, transaction

NAME_SEPARATOR = "\x1f"  # sorts before every letter: "martin" before "martinez"


def fold(text: str) -> str:
    """Lower case without accents: « Éloïse » sorts and is found as « eloise »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def name_key(nom: str, prenom: str) -> str:
    return f"{fold(nom)} {fold(prenom)}".strip()


def list_keys(youth: Youth) -> Youth:
    """The list's sort keys, from what the youth item says now (every roster write sets them)."""
    record: dict[str, Any] = plain(youth.record) or {}
    nom, prenom = str(record.get("nom") or ""), str(record.get("prenom") or "")
    youth.list_name = f"{name_key(nom, prenom)}{NAME_SEPARATOR}{youth.id_externe}"
    youth.list_first = f"{name_key(prenom, nom)}{NAME_SEPARATOR}{youth.id_externe}"
    youth.list_status = f"{youth.status}#{youth.majority_date}#{youth.id_externe}"
    return youth


class ListedWriter:
    """``Youth.batch_write()`` that keeps the list keys right on each item it saves."""

    def __init__(self, batch: Any) -> None:
        self._batch = batch

    def save(self, youth: Youth) -> None:
        self._batch.save(list_keys(youth))


@contextmanager
def writer() -> Iterator[ListedWriter]:
    with Youth.batch_write() as batch:
        yield ListedWriter(batch)


@dataclass(frozen=True)
class Source:
    """One index, the part of it a view lists, and the attributes of its keys (range first)."""

    index: Any
    hash_value: str
    keys: tuple[str, ...]
    condition: Any = None
    filter: Any = None


def youths_by(
    department: str,
    sort: str,
    *,
    prefix: str = "",
    status: str = "",
    month: str = "",
    flag: str = "",
) -> Source:
    """The youths in ``sort`` order ("majorite", "nom", "prenom", "statut"); ``prefix`` narrows
    the range key (a month, a name's beginning, a status); ``status``, ``month`` (a name's
    search within a majority month) and ``flag`` (within a flag view) filter what the key
    cannot."""
    index: Any
    if sort == "nom":
        index, attribute = Youth.name_index, Youth.list_name
    elif sort == "prenom":
        index, attribute = Youth.first_name_index, Youth.list_first
    elif sort == "statut":
        index, attribute = Youth.status_index, Youth.list_status
    else:
        index, attribute = Youth.majority_index, Youth.majority_date
    return Source(
        index,
        department,
        (attribute.attr_name, "department", "id_externe"),
        condition=attribute.startswith(prefix) if prefix else None,
        filter=_all_of(
            (Youth.status == status) if status else None,
            Youth.majority_date.startswith(month) if month else None,
            youth_flags.view(flag)[1].exists() if flag else None,
        ),
    )


def _all_of(*conditions: Any) -> Any:
    found = None
    for condition in conditions:
        if condition is not None:
            found = condition if found is None else found & condition
    return found


def flagged(department: str, flag: str, *, month: str = "") -> Source:
    """The youths of one flag view (``store.youth_flags.FLAGS``), by majority date, within
    ``month`` (AAAA-MM) if given."""
    index, attribute = youth_flags.view(flag)
    return Source(
        index,
        department,
        (attribute.attr_name, "department", "id_externe"),
        condition=attribute.startswith(month) if month else None,
    )


def read(
    source: Source, cursor: list[str] | None, *, backwards: bool, size: int
) -> tuple[list[Any], bool]:
    """Up to ``size`` items after ``cursor`` (before it when ``backwards``, still in the index's
    order), and whether more lie beyond them."""
    start = {name: {"S": value} for name, value in zip(source.keys, cursor or [], strict=False)}
    found = list(
        source.index.query(
            source.hash_value,
            source.condition,
            filter_condition=source.filter,
            scan_index_forward=not backwards,
            last_evaluated_key=start if cursor else None,
            limit=size + 1,
            page_size=size + 1,
        )
    )
    more = len(found) > size
    items = found[:size]
    return (items[::-1] if backwards else items), more


def cursor_of(source: Source, item: Any) -> list[str]:
    return [str(getattr(item, name)) for name in source.keys]


def count(source: Source) -> int:
    """How many items the view holds (a COUNT query: DynamoDB returns no item, only the number)."""
    return int(
        source.index.count(source.hash_value, source.condition, filter_condition=source.filter)
    )


def majority_dates(department: str, first: str, last: str) -> Iterator[tuple[str, str]]:
    """(majority date, status) of each youth whose majority falls between ``first`` and
    ``last``, projected (the dashboard's chart)."""
    found = Youth.majority_index.query(
        department,
        Youth.majority_date.between(first, last),
        attributes_to_get=["majority_date", "status"],
    )
    return ((youth.majority_date, youth.status) for youth in found)


# --- the list's totals ---------------------------------------------------------------------------
def _counts_key(department: str) -> tuple[str, str]:
    return f"youth-counts#{department}", department


BACKFILL_PER_UPLOAD = 2_000  # youths stored before the list keys existed, keyed per upload


def _counted(department: str, now: datetime) -> tuple[ConsoleItem, list[str]]:
    """The department's live youths counted by status and by (status, majority month), and the
    youths still without list keys (stored by an older version): one projected Query."""
    found = Youth.query(
        department,
        attributes_to_get=["id_externe", "status", "majority_date", "expires_at", "list_status"],
    )
    counts: Counter[str] = Counter()
    unkeyed: list[str] = []
    for youth in found:
        if live(youth, now):
            counts[youth.status] += 1
            counts[f"{youth.status}#{youth.majority_date[:7]}"] += 1
            if not youth.list_status:
                unkeyed.append(youth.id_externe)
    pk, sk = _counts_key(department)
    return ConsoleItem(pk, sk, department=department, counts=dict(counts), version=0), unkeyed


def recount(department: str, now: datetime) -> None:
    """Count the youths again and keep the counts."""
    counted, unkeyed = _counted(department, now)
    add_list_keys(department, unkeyed[:BACKFILL_PER_UPLOAD])
    done = youth_flags.backfill(department)
    with transaction() as batch:
        batch.save(counted)
        if done is not None:
            batch.save(done)


def add_list_keys(department: str, ids: list[str]) -> int:
    """Give youths stored before the list existed their list keys (an UpdateItem each,
    conditional on the fingerprint and status read: a youth changed meanwhile got them from its
    own write). How many were keyed."""
    return sum(_key_one(own(youth, Youth)) for youth in youths(department, ids).values())


def _key_one(youth: Youth) -> bool:
    list_keys(youth)
    return applied(
        lambda: youth.update(
            actions=[
                Youth.list_name.set(youth.list_name),
                Youth.list_first.set(youth.list_first),
                Youth.list_status.set(youth.list_status),
            ],
            condition=(Youth.fingerprint == youth.fingerprint) & (Youth.status == youth.status),
        )
    )


def recount_with_event(department: str, event: AuditEvent, now: datetime) -> None:
    """After a roster upload (the only writer of statuses and majority dates): the counts and
    the upload's audit event in one TransactWriteItems, the one request the audit took alone."""
    counted, unkeyed = _counted(department, now)
    add_list_keys(department, unkeyed[:BACKFILL_PER_UPLOAD])
    done = youth_flags.backfill(department)  # its marker goes with the counts
    with transaction() as batch:
        batch.save(event, condition=AuditEvent.at_id.does_not_exist())
        batch.save(counted)
        if done is not None:
            batch.save(done)


def youth_counts(department: str) -> dict[str, int] | None:
    """The kept counts (None before the first upload: the list counts its index instead)."""
    try:
        item = ConsoleItem.get(*_counts_key(department))
    except ConsoleItem.DoesNotExist:
        return None
    return {str(k): int(v) for k, v in (plain(item.counts) or {}).items()}


def uncount(youth: Youth) -> None:
    """An erased youth leaves the counts (read, then written on the version read; a write
    that raced with ours is retried once, then the next upload's count puts things right)."""
    for _ in range(2):
        if _uncount_once(youth):
            return


def _uncount_once(youth: Youth) -> bool:
    try:
        item = ConsoleItem.get(*_counts_key(youth.department), consistent_read=True)
    except ConsoleItem.DoesNotExist:
        return True
    counts = {str(k): int(v) for k, v in (plain(item.counts) or {}).items()}
    for key in (youth.status, f"{youth.status}#{youth.majority_date[:7]}"):
        counts[key] = max(0, counts.get(key, 0) - 1)
    version = int(item.version or 0)
    return applied(
        lambda: item.update(
            actions=[ConsoleItem.counts.set(counts), ConsoleItem.version.set(version + 1)],
            condition=ConsoleItem.version == version,
        )
    )


def department_youths(department: str) -> Iterator[StoredYouth]:
    """Every youth of the department, by file number, streamed (the exports)."""
    return cast(Iterator[StoredYouth], iter(Youth.query(department)))


def youths(department: str, ids: Iterable[str]) -> dict[str, StoredYouth]:
    keys = [(department, each) for each in dict.fromkeys(ids)]
    return cast(
        dict[str, StoredYouth], {y.id_externe: y for y in Youth.batch_get(keys)} if keys else {}
    )


def referrals(referral_ids: Iterable[str]) -> dict[str, StoredReferral]:
    keys = list(dict.fromkeys(referral_ids))
    found = Referral.batch_get(keys) if keys else ()
    return cast(dict[str, StoredReferral], {r.referral_id: r for r in found})


def youth(department: str, id_externe: str) -> StoredYouth | None:
    try:
        return cast(StoredYouth, Youth.get(department, id_externe))
    except Youth.DoesNotExist:
        return None

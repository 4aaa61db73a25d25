"""Row outcomes of one file collected with bounded reports: the first errors kept, all counted;
an id found on several rows rejects them all. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from chalicelib.domain.youth import RowError
from chalicelib.inputs.cells import SHOWN_ROWS
from chalicelib.limits import MAX_STORED_ERRORS

T = TypeVar("T")


class Capped(Generic[T]):
    """The first ``cap`` items, and how many there were: a report stays small whatever the file."""

    def __init__(self, cap: int = MAX_STORED_ERRORS) -> None:
        self.cap = cap
        self.kept: list[T] = []
        self.total = 0

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.total += 1
            if len(self.kept) < self.cap:
                self.kept.append(item)


class KeyedRows(Generic[T]):
    """Collects row outcomes by key: a key found on several rows rejects them all.

    Every rejected row and key is remembered (so that rejected youths are never taken as
    absent); only the first ``MAX_STORED_ERRORS`` errors are kept, the rest are counted."""

    def __init__(self, key_column: str) -> None:
        self.key_column = key_column
        self.items: dict[str, T] = {}
        self.errors: Capped[RowError] = Capped()
        self.rejected_rows: set[int] = set()
        self.rejected_keys: set[str] = set()
        self._first_row: dict[str, int] = {}
        self._duplicates: dict[str, list[int]] = {}

    def add(self, number: int, key: str | None, item: T | None, errors: list[RowError]) -> None:
        if errors:
            self._reject(number, key, errors)
        if key is None:
            return
        if key in self._first_row:
            self._duplicates.setdefault(key, [self._first_row[key]]).append(number)
            self.items.pop(key, None)
            return
        self._first_row[key] = number
        if item is not None and not errors:
            self.items[key] = item

    def _reject(self, number: int, key: str | None, errors: list[RowError]) -> None:
        self.rejected_rows.add(number)
        if key is not None:
            self.rejected_keys.add(key)
        self.errors.extend(errors)

    def finish(self) -> tuple[list[T], list[RowError], set[str]]:
        """(valid items in file order, the errors kept sorted by row, keys of rejected rows)."""
        for key, rows in self._duplicates.items():
            shown = ", ".join(str(row) for row in rows[:SHOWN_ROWS])
            more = " …" if len(rows) > SHOWN_ROWS else ""
            message = f"Identifiant présent sur plusieurs lignes ({shown}{more}) : toutes rejetées."
            for row in rows:
                error = RowError(row, key, self.key_column, "duplicate_id", message)
                self._reject(row, key, [error])
        self.errors.kept.sort(key=lambda error: error.row)
        return list(self.items.values()), self.errors.kept, self.rejected_keys

"""The history lists kept on a referral (and its messages) and on a youth, as typed entries.
``from_item``/``to_item`` keep the stored shape (``Referral.history``, ``Youth.history``). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.enums import YouthEvent, known


@dataclass(frozen=True)
class StatusChange:
    """One line of a referral's or a message's history: what it became (a status, or what was
    done: ``reminder``, ``rescheduled``…), when, and why (``note``: ``partner``, an error code)."""

    at: str
    status: str
    note: str | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> StatusChange:
        note = data.get("note")
        return cls(str(data.get("at") or ""), str(data.get("status") or ""), note and str(note))

    def to_item(self) -> dict[str, str]:
        item = {"at": self.at, "status": str(self.status)}
        if self.note:
            item["note"] = self.note
        return item


@dataclass(frozen=True)
class YouthHistoryEntry:
    """One line of a youth's history, never personal data: an exit, a return, a pathway part that
    changed state (``before`` → ``after``, stored ``from``/``to``) or that a partner took on."""

    at: str
    event: YouthEvent | str  # a code this version does not know stays as stored
    part: str | None = None
    before: str | None = None
    after: str | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> YouthHistoryEntry:
        return cls(
            at=str(data.get("at") or ""),
            event=known(YouthEvent, str(data.get("event") or "")),
            part=_text(data.get("part")),
            before=_text(data.get("from")),
            after=_text(data.get("to")),
        )

    def to_item(self) -> dict[str, str]:
        item = {"at": self.at, "event": str(self.event)}
        for key, value in (("part", self.part), ("from", self.before), ("to", self.after)):
            if value is not None:
                item[key] = value
        return item


def status_changes(items: Iterable[Mapping[str, Any]] | None) -> list[StatusChange]:
    return [StatusChange.from_item(item) for item in items or []]


def youth_history(items: Iterable[Mapping[str, Any]] | None) -> list[YouthHistoryEntry]:
    return [YouthHistoryEntry.from_item(item) for item in items or []]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)

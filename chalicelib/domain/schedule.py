"""What a youth remembers of what was already done for it, per kind: the referral created (and its
partner), the interview invitation's calendar state, the kinds blocked for want of a partner, the
partners excluded after a ``non_competent`` answer. Stored on the youth item as a map
(``Youth.scheduled``); ``from_item``/``to_item`` keep the stored shape. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.enums import Kind


@dataclass(frozen=True)
class Placed:
    """A mission-locale or habitat-jeunes referral created for the youth."""

    referral_id: str
    partner_id: str


@dataclass(frozen=True)
class Invitation:
    """The interview invitation (``entretien``): one calendar event per youth and mission locale,
    ``sequence`` raised at each change; ``event`` is the interview as last sent (``date``,
    ``heure``, ``lieu``): a CANCEL carries that event's own DTSTART/DTEND."""

    referral_id: str
    partner_id: str
    fingerprint: str | None
    sequence: int = 0
    cancelled: bool = False
    message: str | None = None
    event: dict[str, Any] | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> Invitation:
        return cls(
            referral_id=str(data["referral_id"]),
            partner_id=str(data.get("partner_id") or ""),
            fingerprint=data.get("fingerprint"),
            sequence=int(data.get("sequence") or 0),
            cancelled=bool(data.get("cancelled")),
            message=data.get("message"),
            event=dict(data["event"]) if data.get("event") else None,
        )

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "referral_id": self.referral_id,
            "partner_id": self.partner_id,
            "fingerprint": self.fingerprint,
            "sequence": self.sequence,
            "cancelled": self.cancelled,
            "message": self.message,
        }
        if self.event is not None:
            item["event"] = dict(self.event)
        return item


@dataclass(frozen=True)
class Blocked:
    """No partner was found for these routing inputs under this directory version."""

    reason: str
    inputs: str
    directory: str | None = None


@dataclass
class Schedule:
    placed: dict[Kind, Placed] = field(default_factory=dict)
    invitation: Invitation | None = None
    blocked: dict[Kind, Blocked] = field(default_factory=dict)
    # every (reason, inputs) alerted per kind, so that an erasure finds each alert
    alerted: dict[Kind, list[tuple[str, str]]] = field(default_factory=dict)
    excluded: dict[Kind, list[str]] = field(default_factory=dict)
    # raised at each return after an exit: what the exit cancelled is created anew, new ids
    generation: int = 0
    # the department's choice in the console, standing in for the roster's code_ml
    chosen: dict[Kind, str] = field(default_factory=dict)
    # a refusal the department saw and kept (no longer "à réorienter"): its referral id
    refusal_seen: dict[Kind, str] = field(default_factory=dict)

    @classmethod
    def from_item(cls, data: Mapping[str, Any] | None) -> Schedule:
        data = data or {}
        schedule = cls()
        for kind in (Kind.MISSION_LOCALE, Kind.HABITAT_JEUNES):
            state = data.get(kind)
            if state:
                schedule.placed[kind] = Placed(str(state["referral_id"]), str(state["partner_id"]))
        if data.get(Kind.ENTRETIEN):
            schedule.invitation = Invitation.from_item(data[Kind.ENTRETIEN])
        for kind, state in (data.get("blocked") or {}).items():
            schedule.blocked[Kind(kind)] = Blocked(
                str(state.get("reason") or ""),
                str(state.get("inputs") or ""),
                state.get("directory"),
            )
        for kind, pairs in (data.get("alerted") or {}).items():
            schedule.alerted[Kind(kind)] = [(str(p[0]), str(p[1])) for p in pairs]
        for kind, partners in (data.get("excluded") or {}).items():
            schedule.excluded[Kind(kind)] = [str(p) for p in partners]
        schedule.generation = int(data.get("generation") or 0)
        schedule.chosen = {Kind(k): str(v) for k, v in (data.get("chosen") or {}).items()}
        seen = data.get("refusal_seen") or {}
        schedule.refusal_seen = {Kind(k): str(v) for k, v in seen.items()}
        return schedule

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            str(kind): {"referral_id": p.referral_id, "partner_id": p.partner_id}
            for kind, p in self.placed.items()
        }
        if self.invitation is not None:
            item[Kind.ENTRETIEN.value] = self.invitation.to_item()
        if self.blocked:
            item["blocked"] = {
                str(kind): {"reason": b.reason, "inputs": b.inputs, "directory": b.directory}
                for kind, b in self.blocked.items()
            }
        if self.alerted:
            item["alerted"] = {
                str(kind): [list(pair) for pair in pairs] for kind, pairs in self.alerted.items()
            }
        if self.excluded:
            item["excluded"] = {str(kind): list(ids) for kind, ids in self.excluded.items()}
        if self.generation:
            item["generation"] = self.generation
        if self.chosen:
            item["chosen"] = {str(kind): code for kind, code in self.chosen.items()}
        if self.refusal_seen:
            item["refusal_seen"] = {str(kind): ref for kind, ref in self.refusal_seen.items()}
        return item

    def referral_of(self, kind: Kind) -> str | None:
        """The referral id created for ``kind``, if any."""
        if kind == Kind.ENTRETIEN:
            return self.invitation.referral_id if self.invitation else None
        placed = self.placed.get(kind)
        return placed.referral_id if placed else None

    def referral_ids(self) -> list[str]:
        found = [p.referral_id for p in self.placed.values()]
        if self.invitation is not None:
            found.append(self.invitation.referral_id)
        return found

    def block(self, kind: Kind, reason: str, inputs: str, directory: str | None) -> None:
        self.blocked[kind] = Blocked(reason, inputs, directory)
        alerted = self.alerted.setdefault(kind, [])
        if (reason, inputs) not in alerted:
            alerted.append((reason, inputs))

    def unblock(self, kind: Kind) -> bool:
        """The kind has a partner now; True when it was blocked."""
        return self.blocked.pop(kind, None) is not None

    def exclude(self, kind: Kind, partner_id: str) -> None:
        excluded = self.excluded.setdefault(kind, [])
        if partner_id not in excluded:
            excluded.append(partner_id)

    def excluded_for(self, *kinds: Kind) -> frozenset[str]:
        return frozenset(p for kind in kinds for p in self.excluded.get(kind, []))

    def forget(self, kind: Kind, referral_id: str) -> bool:
        """Forget the referral of ``kind`` if it is ``referral_id`` (so the kind is due again)."""
        if kind == Kind.ENTRETIEN:
            if self.invitation is not None and self.invitation.referral_id == referral_id:
                self.invitation = None
                return True
            return False
        placed = self.placed.get(kind)
        if placed is not None and placed.referral_id == referral_id:
            del self.placed[kind]
            return True
        return False

    def choose(self, kind: Kind, partner_id: str, *, refused: str | None) -> None:
        """The department chose ``partner_id`` (a shared or unknown commune, or after a refusal by
        ``refused``): the kind is due again, towards that partner."""
        self.chosen[kind] = partner_id
        self.unblock(kind)
        if refused:
            self.exclude(kind, refused)
            placed = self.placed.get(kind)
            if placed is not None and placed.partner_id == refused:
                del self.placed[kind]

    def cancel_invitation(self) -> None:
        if self.invitation is not None:
            self.invitation = replace(self.invitation, cancelled=True)

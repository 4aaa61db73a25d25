"""What an alert keeps to word it in the digest and the console (``Alert.details``), typed.

Each kind stores the sections it needs: the youth and the referral's kind always; ``no_partner``
its route (reason, ``code_ml``, candidates); a referral's alerts its partner and sending date; an
answer's alerts the answer and where it was re-routed; a delivery failure the channel and error
code. ``from_item``/``to_item`` keep that stored shape, ``None`` values included. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.enums import Kind, known
from chalicelib.domain.snapshot import PartnerView, SharedYouth

ANSWER_KEYS = (
    "reponse",
    "date_rdv",
    "motif",
    "commentaire",
    "conseiller_nom",
    "conseiller_telephone",
    "at",
)


@dataclass(frozen=True)
class YouthMention:
    """How an alert names a youth to its own department (file number, first name, initial)."""

    id_externe: str | None = None
    prenom: str | None = None
    initiale: str | None = None
    majority_date: str | None = None
    commune_code: str | None = None
    commune_nom: str | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> YouthMention:
        return cls(**{f.name: _text(data.get(f.name)) for f in fields(cls)})

    def to_item(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of_youth(cls, youth: SharedYouth | None) -> YouthMention:
        """What a referral's snapshot shows of the youth, as an alert names it."""
        if youth is None:
            return cls()
        return cls(
            youth.id_externe,
            youth.prenom,
            youth.initiale,
            youth.majority_date,
            youth.commune_code,
            youth.commune_nom,
        )


@dataclass(frozen=True)
class PartnerMention:
    id: str | None = None
    nom: str | None = None
    email: str | None = None
    telephone: str | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> PartnerMention:
        return cls(**{f.name: _text(data.get(f.name)) for f in fields(cls)})

    def to_item(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of_partner(cls, partner: PartnerView) -> PartnerMention:
        contact = partner.contact
        return cls(
            partner.id or None,
            partner.nom,
            contact.email if contact else None,
            contact.telephone if contact else None,
        )


@dataclass(frozen=True)
class Candidate:
    """A mission locale the coverage names for a shared commune."""

    code: str
    nom: str | None = None


@dataclass(frozen=True)
class NoPartner:
    reason: str
    code_ml: str | None = None
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Delivery:
    channel: str
    error_code: str


@dataclass(frozen=True)
class AlertDetails:
    youth: YouthMention
    referral_kind: Kind | str  # "" when a message's snapshot did not say
    route: NoPartner | None = None
    partner: PartnerMention | None = None
    sent_at: str | None = None  # with ``partner``
    answer: AnswerEntry | None = None
    rerouted_to: str | None = None  # with ``answer``
    delivery: Delivery | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> AlertDetails:
        return cls(
            youth=YouthMention.from_item(data.get("youth") or {}),
            referral_kind=known(Kind, str(data.get("referral_kind") or "")),
            route=_route(data) if "reason" in data else None,
            partner=PartnerMention.from_item(data["partner"] or {}) if "partner" in data else None,
            sent_at=_text(data.get("sent_at")),
            answer=_answer(data.get("answer")),
            rerouted_to=_text(data.get("rerouted_to")),
            delivery=Delivery(str(data["channel"]), str(data.get("error_code") or ""))
            if "channel" in data
            else None,
        )

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "youth": self.youth.to_item(),
            "referral_kind": str(self.referral_kind),
        }
        if self.route is not None:
            item["reason"] = self.route.reason
            item["code_ml"] = self.route.code_ml
            item["candidates"] = [{"code": c.code, "nom": c.nom} for c in self.route.candidates]
        if self.partner is not None:
            item["partner"] = self.partner.to_item()
            item["sent_at"] = self.sent_at
        if self.answer is not None:
            stored = self.answer.to_item()
            item["answer"] = {key: stored.get(key) for key in ANSWER_KEYS}
            item["rerouted_to"] = self.rerouted_to
        if self.delivery is not None:
            item["channel"] = self.delivery.channel
            item["error_code"] = self.delivery.error_code
        return item


def _route(data: Mapping[str, Any]) -> NoPartner:
    candidates = tuple(
        Candidate(str(c.get("code") or ""), _text(c.get("nom")))
        for c in data.get("candidates") or []
    )
    return NoPartner(str(data.get("reason") or ""), _text(data.get("code_ml")), candidates)


def _answer(data: Mapping[str, Any] | None) -> AnswerEntry | None:
    return AnswerEntry.from_item(data) if data and data.get("reponse") else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)

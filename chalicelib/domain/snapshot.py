"""What a referral shows its partner (``Referral.snapshot``, a message's ``context["snapshot"]``),
typed. Built by ``referrals.snapshot``; ``from_item``/``to_item`` keep the stored shape, ``None``
values included. Tolerated on read: a snapshot from before the pathway's states were kept (no
``parcours``, no ``parts_not_secured``) and an erased referral's copy (its partner's name alone).
Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from chalicelib.domain.enums import Channel, Kind, known
from chalicelib.domain.routing import Route


@dataclass(frozen=True)
class Referent:
    nom: str | None = None
    email: str | None = None
    telephone: str | None = None


@dataclass(frozen=True)
class Interview:
    """The interview as the roster gives it (``entretien``): an ISO date, ``HH:MM``, a place."""

    date: str
    heure: str | None = None
    lieu: str | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> Interview:
        return cls(str(data.get("date") or ""), _text(data.get("heure")), _text(data.get("lieu")))

    def to_item(self) -> dict[str, Any]:
        return _item(self)


@dataclass(frozen=True)
class Placement:
    """Where the youth is placed (``lieu_accueil``)."""

    nom: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SharedYouth:
    """The least of the youth's data (SPEC §7): its own phone and email only with consent."""

    id_externe: str
    prenom: str | None = None
    initiale: str | None = None
    majority_date: str | None = None
    commune_code: str | None = None
    commune_nom: str | None = None
    besoin_logement: bool = False
    parts_not_secured: tuple[str, ...] | None = None
    parcours: Mapping[str, str] | None = None  # each part under its true state
    telephone: str | None = None
    email: str | None = None
    referent: Referent = Referent()
    entretien: Interview | None = None
    lieu_accueil: Placement | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> SharedYouth:
        texts = ("prenom", "initiale", "majority_date", "commune_code", "commune_nom")
        parts = data.get("parts_not_secured")
        parcours = data.get("parcours")
        interview = data.get("entretien")
        placement = data.get("lieu_accueil")
        return cls(
            id_externe=str(data.get("id_externe") or ""),
            **{key: _text(data.get(key)) for key in texts},
            besoin_logement=bool(data.get("besoin_logement")),
            parts_not_secured=None if parts is None else tuple(str(p) for p in parts),
            parcours=None if parcours is None else {str(k): str(v) for k, v in parcours.items()},
            telephone=_text(data.get("telephone")),
            email=_text(data.get("email")),
            referent=Referent(**_texts(data.get("referent") or {}, Referent)),
            entretien=Interview.from_item(interview) if interview else None,
            lieu_accueil=Placement(**_texts(placement, Placement)) if placement else None,
        )

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NESTED
        }
        for key in ("parts_not_secured", "parcours"):
            value = item.pop(key)
            if value is not None:
                item[key] = list(value) if key == "parts_not_secured" else dict(value)
        item["referent"] = _item(self.referent)
        item["entretien"] = _item(self.entretien) if self.entretien else None
        item["lieu_accueil"] = _item(self.lieu_accueil) if self.lieu_accueil else None
        return item

    def with_contact(self, telephone: str | None, email: str | None) -> SharedYouth:
        """The youth's own phone and email as its record shares them now (consent)."""
        return replace(self, telephone=telephone, email=email)


_NESTED = ("referent", "entretien", "lieu_accueil")


@dataclass(frozen=True)
class DepartmentView:
    """The department a partner answers to, and its follow-up delays."""

    code: str
    name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    ack_ttl_days: int | None = None
    relance_jours: int | None = None
    escalade_jours: int | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> DepartmentView:
        return cls(
            code=str(data.get("code") or ""),
            name=_text(data.get("name")),
            contact_email=_text(data.get("contact_email")),
            contact_phone=_text(data.get("contact_phone")),
            ack_ttl_days=_number(data.get("ack_ttl_days")),
            relance_jours=_number(data.get("relance_jours")),
            escalade_jours=_number(data.get("escalade_jours")),
        )

    def to_item(self) -> dict[str, Any]:
        return _item(self)


@dataclass(frozen=True)
class PartnerContact:
    email: str | None = None
    telephone: str | None = None
    telephone_mobile: bool = False  # ``telephone`` takes SMS
    canal: str | None = None  # the directory's preferred channel

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> PartnerContact:
        return cls(
            email=_text(data.get("email")),
            telephone=_text(data.get("telephone")),
            telephone_mobile=bool(data.get("telephone_mobile")),
            canal=_text(data.get("canal")),
        )


@dataclass(frozen=True)
class PartnerView:
    """The partner the referral is sent to; an erased referral keeps its name, no ``contact``."""

    type: str
    id: str
    nom: str | None = None
    contact: PartnerContact | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> PartnerView:
        has_contact = any(f.name in data for f in fields(PartnerContact))
        return cls(
            type=str(data.get("type") or ""),
            id=str(data.get("id") or ""),
            nom=_text(data.get("nom")),
            contact=PartnerContact.from_item(data) if has_contact else None,
        )

    def to_item(self) -> dict[str, Any]:
        item = {"type": self.type, "id": self.id, "nom": self.nom}
        return {**item, **_item(self.contact)} if self.contact is not None else item

    def route(self) -> Route:
        """The partner as routing chose it (its channel: email unless the directory said)."""
        contact = self.contact or PartnerContact()
        return Route(
            partner_type=self.type,
            partner_id=self.id,
            nom=self.nom or "",
            email=contact.email,
            telephone=contact.telephone,
            telephone_mobile=contact.telephone_mobile,
            canal=contact.canal or Channel.EMAIL,
        )


@dataclass(frozen=True)
class Snapshot:
    partner: PartnerView
    kind: Kind | str | None = None
    youth: SharedYouth | None = None
    department: DepartmentView | None = None

    @classmethod
    def from_item(cls, data: Mapping[str, Any] | None) -> Snapshot:
        data = data or {}
        kind, youth, department = data.get("kind"), data.get("youth"), data.get("department")
        return cls(
            partner=PartnerView.from_item(data.get("partner") or {}),
            kind=None if kind is None else known(Kind, str(kind)),
            youth=SharedYouth.from_item(youth) if youth is not None else None,
            department=DepartmentView.from_item(department) if department is not None else None,
        )

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if self.kind is not None:
            item["kind"] = str(self.kind)
        if self.youth is not None:
            item["youth"] = self.youth.to_item()
        if self.department is not None:
            item["department"] = self.department.to_item()
        item["partner"] = self.partner.to_item()
        return item

    def interview(self) -> Interview | None:
        return self.youth.entretien if self.youth is not None else None

    def with_interview(self, interview: Interview | None) -> Snapshot:
        """The same, showing ``interview`` (a CANCEL shows the event it cancels)."""
        if self.youth is None:
            return self
        return replace(self, youth=replace(self.youth, entretien=interview))

    def with_contact(self, telephone: str | None, email: str | None) -> Snapshot | None:
        """The youth's own phone and email as its record shares them now (consent); None for a
        snapshot that shows no youth (an erased referral's copy)."""
        if self.youth is None:
            return None
        return replace(self, youth=self.youth.with_contact(telephone, email))

    def anonymous(self) -> Snapshot:
        """What an erased referral's copy keeps: who the partner was."""
        return Snapshot(PartnerView(self.partner.type, self.partner.id, self.partner.nom))


def _item(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _texts(data: Mapping[str, Any], cls: type) -> dict[str, str | None]:
    return {f.name: _text(data.get(f.name)) for f in fields(cls)}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _number(value: Any) -> int | None:
    return None if value is None else int(value)

"""A partner's answer to a referral (``Referral.answer``, each of ``Referral.answers``), typed.
``from_item``/``to_item`` keep the stored shape: the form's fields as validated (an empty string
for a field left blank) and ``at``; an erased referral's anonymous copy keeps ``reponse`` alone.
Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from chalicelib.domain.enums import Answer

# the answer form's fields, in the order the page and the exports show them
FORM_FIELDS = (
    "reponse",
    "date_rdv",
    "motif",
    "commentaire",
    "conseiller_nom",
    "conseiller_telephone",
)


@dataclass(frozen=True)
class AnswerEntry:
    reponse: Answer
    date_rdv: str | None = None  # ISO date, or "" when left blank
    motif: str | None = None
    commentaire: str | None = None
    conseiller_nom: str | None = None
    conseiller_telephone: str | None = None  # E.164
    at: str | None = None  # when it was recorded (absent on an erased copy)

    @classmethod
    def from_item(cls, data: Mapping[str, Any]) -> AnswerEntry:
        values = {
            f.name: None if data.get(f.name) is None else str(data[f.name])
            for f in fields(cls)
            if f.name != "reponse"
        }
        return cls(reponse=Answer(str(data["reponse"])), **values)

    @classmethod
    def of_form(cls, values: Mapping[str, str]) -> AnswerEntry:
        """The validated form (``ack.service.validate``): every field, blank when not given."""
        return cls.from_item({key: values.get(key) or "" for key in FORM_FIELDS})

    def to_item(self) -> dict[str, str]:
        """The stored map: absent fields (``None``) are left out."""
        item = {f.name: getattr(self, f.name) for f in fields(self)}
        return {key: str(value) for key, value in item.items() if value is not None}

    def form_values(self) -> dict[str, str]:
        """The form's fields as the page shows them (blank for a field not given)."""
        item = self.to_item()
        return {key: item.get(key) or "" for key in FORM_FIELDS}


def answer_entries(items: Iterable[Mapping[str, Any]] | None) -> list[AnswerEntry]:
    return [AnswerEntry.from_item(item) for item in items or []]

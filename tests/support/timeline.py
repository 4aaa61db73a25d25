"""Time travel over the embedded endpoint, for the scheduling and delivery scenarios (test code).

Rosters are applied through the roster service at a chosen instant and the jobs run with the
semantics of ``jobs run --today/--now`` (``clock.clock_from``); partners answer through the
acknowledgement service at a chosen instant. Everything else is the product over boto3/PynamoDB.

The directory is the one of ``tests.integration.support`` plus a mission locale in Guadeloupe
(971, email) — La Réunion's (974) answers by SMS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib import jobs, tokens
from chalicelib.ack import service as ack
from chalicelib.directory import service as directory
from chalicelib.domain import clock, ids
from chalicelib.roster import service as roster
from chalicelib.store.models import Message, Referral, Youth
from chalicelib.store.tables import reset_connections
from tests.support import integration as s
from tests.support.fault_proxy import FaultProxy

ML_CSV = s.ML_CSV + b"ML971,Mission locale des Abymes,accueil@ml-abymes.example.gp,,email\n"
COVERAGE_CSV = s.COVERAGE_CSV + b"97101;Les Abymes;ML971;Mission locale des Abymes;Non;\n"
COLUMNS = [*s.ROSTER_COLUMNS, "date_entretien", "lieu_entretien", "code_ml"]
DEPARTMENTS = {"59": "Nord", "974": "La Réunion", "971": "Guadeloupe"}
PARTNER_EMAIL = {
    "ML59A": "accueil@ml-lille.example.fr",
    "ML59B": "contact@ml-roubaix.example.fr",
    "ML971": "accueil@ml-abymes.example.gp",
    "HJ59-LILLE": "accueil@fjt-tilleuls.example.fr",
    "UDHAJ59": "udhaj59@example.fr",
}
ML974_MOBILE = "+262692000001"
# the same directory, the mission locale of Lille reachable by SMS too (its fallback channel)
ML59A_MOBILE = "+33612345678"
ML_CSV_WITH_MOBILE = ML_CSV.replace(b"0320000000", b"06 12 34 56 78")


def contact_of(code: str) -> str:
    """The department contact that ``support.department_key`` registers."""
    return f"ase@cd{code.lower()}.example.fr"


@dataclass
class Timeline:
    seen: int = 0
    reports: list[dict] = field(default_factory=list)

    @classmethod
    def open(cls, codes: tuple[str, ...] = ("59",)) -> Timeline:
        for name, body in (
            ("missions-locales", ML_CSV),
            ("coverage", COVERAGE_CSV),
            ("habitat-jeunes", s.HJ_CSV),
        ):
            directory.load(name, body, actor="test")
        for code in codes:
            s.department_key(code, DEPARTMENTS[code])
        return cls()

    def roster(self, code: str, rows: list[dict], at: datetime, mode: str = "strict") -> dict:
        """The department's complete roster, applied at ``at``."""
        report = roster.upload_any_size(
            code, s.roster_csv(rows, COLUMNS), mode=mode, actor="test", now=at
        )
        self.reports.append(report)
        return report

    def jobs(self, *, today: date | None = None, now: datetime | None = None) -> dict:
        """``jobs run --today … / --now …``."""
        return jobs.run_all(clock.clock_from(today, now))

    def new_messages(self) -> list[dict]:
        """What the endpoint sent since the previous call."""
        everything = s.sent()
        fresh, self.seen = everything[self.seen :], len(everything)
        return fresh

    def answer(self, referral_id: str, reponse: str, at: datetime, **fields: str) -> int:
        """The partner's answer through its link, at ``at``; the page's HTTP status."""
        form = {"reponse": reponse, **fields}
        page = ack.answer(tokens.token_for(referral_id), form, at, same_origin=True)
        return page.status


def referrals_of(id_externe: str, code: str = "59") -> list[Referral]:
    found = Referral.youth_index.query(ids.youth_key(code, id_externe))
    return sorted(found, key=lambda referral: referral.created_at)


def referral_id(id_externe: str, kind: str, partner: str, code: str = "59") -> str:
    return ids.referral_id(code, id_externe, kind, partner)


def youth_item(id_externe: str, code: str = "59") -> Youth:
    return Youth.get(code, id_externe)


def messages_of(referral: str) -> list[Message]:
    return sorted(
        (m for m in Message.scan() if m.referral_id == referral), key=lambda m: m.created_at
    )


def ack_link(referral: str) -> str:
    return tokens.ack_url(referral)


@contextmanager
def behind_proxy(rate: float = 0.0) -> Iterator[FaultProxy]:
    """The product talks to the current endpoint through a fault proxy (scripted faults)."""
    before = os.environ["AWS_ENDPOINT_URL"]
    with FaultProxy(before, rate=rate) as proxy:
        os.environ["AWS_ENDPOINT_URL"] = proxy.url
        reset_connections()
        try:
            yield proxy
        finally:
            os.environ["AWS_ENDPOINT_URL"] = before
            reset_connections()

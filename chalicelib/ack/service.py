"""The partner's door: the acknowledgement page (GET, changes nothing) and the answer (POST).

GET is one read (``token-index``). POST is two requests: that read, then one TransactWriteItems
recording the answer on the referral (whole, appended to its answers, at most 20) and the audit
event. The same answer posted again (a double click) writes nothing and shows the confirmation;
two posts at once: the second re-reads and, finding its own answer, confirms too. Re-routing
after ``non_competent`` and the department's alert (every answer is in its digest) are done by
the follow-up job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import tokens
from chalicelib.delivery.compose import partner_context
from chalicelib.domain import clock
from chalicelib.domain.clock import add_months, parse_iso
from chalicelib.domain.enums import ANSWERABLE
from chalicelib.domain.labels import ANSWERS
from chalicelib.inputs.phones import InvalidPhoneError, normalize_phone
from chalicelib.messages.render import render_page
from chalicelib.observability import emit, logger
from chalicelib.store import answers as answer_store
from chalicelib.store import referrals as referral_store
from chalicelib.store.base import plain
from chalicelib.store.referrals import Referral
from chalicelib.validation import without_controls

VISIBLE = ANSWERABLE
SETTLE_READS = 5
MAX_COMMENT, MAX_MOTIF, MAX_NAME = 500, 200, 100
RDV_PAST, RDV_FUTURE_YEARS = timedelta(days=60), 2  # date_rdv: 60 days ago to 2 years ahead
FIELDS = ("reponse", "date_rdv", "motif", "commentaire", "conseiller_nom", "conseiller_telephone")


@dataclass(frozen=True)
class Page:
    status: int
    html: str


class _MissingError(Exception):
    """Unknown, malformed, tampered, not yet sent or erased: all look the same from outside."""


def view(token: str, now: datetime) -> Page:
    opened = _open(token, now)
    if isinstance(opened, Page):
        return opened
    return Page(200, render_page("ack", referral_context(opened, now, link=f"/ack/{token}")))


def answer(token: str, form: dict[str, str], now: datetime, *, same_origin: bool) -> Page:
    if not same_origin:
        return error_page(403, FOREIGN_ORIGIN)
    referral = _open(token, now)
    if isinstance(referral, Page):
        return referral
    return respond(referral, form, now, referral_context(referral, now, link=f"/ack/{token}"))


FOREIGN_ORIGIN = "Requête refusée (origine inconnue)."


def respond(referral: Referral, form: dict[str, str], now: datetime, context: dict) -> Page:
    """Validate and record a partner's answer to ``referral`` (its own page or the partners'
    space: the same rules), then the confirmation page, or the form again with the problems.
    ``context`` is the referral's page context (``referral_context``)."""
    values, problems = validate(
        form, today=clock.local_today(referral.department, now), department=referral.department
    )
    if problems:
        return Page(400, render_page("ack", context | {"errors": problems, "values": values}))
    stored = _store(referral, values, now)
    if isinstance(stored, Page):
        return stored
    if stored:
        _measure(referral, now)
        logger.info("answer recorded", extra={"referral_id": referral.referral_id})
    return Page(
        200, render_page("ack_done", context | {"answer": values, "current_answer": values})
    )


def _store(referral: Referral, values: dict[str, str], now: datetime) -> bool | Page:
    """Record the answer: True when written, False when it was already the current one (a double
    click, a second tab); a page when it cannot be recorded."""
    if _same(referral, values):
        return False
    if len(answer_store.answers_of(referral)) >= answer_store.MAX_ANSWERS:
        return error_page(409, TOO_MANY_CHANGES, department=_department(referral))
    if answer_store.record_answer(referral, values, now):
        return True
    # someone else answered at the same moment: the same answer is a success for both
    latest = _settled(referral.referral_id, values, now)
    if latest is not None and _same(latest, values):
        return False
    if latest is None or latest.status not in VISIBLE:
        return not_found()
    return error_page(409, CHANGED_MEANWHILE, department=_department(referral))


def _settled(referral_id: str, values: dict[str, str], now: datetime) -> Referral | None:
    """The referral once the concurrent answer is visible (a write in flight: read again, a few
    times at most, before calling it another answer)."""
    for attempt in range(SETTLE_READS):
        latest = referral_store.get(referral_id, now, consistent=True)
        if latest is None or _same(latest, values) or attempt == SETTLE_READS - 1:
            return latest
        time.sleep(0.1 * (attempt + 1))
    return None


TOO_MANY_CHANGES = (
    "Cette réponse a déjà été modifiée 20 fois : elle ne peut plus l'être par ce lien. "
    "Pour la changer encore, contactez le département."
)
CHANGED_MEANWHILE = (
    "Une autre réponse vient d'être enregistrée au même moment pour cette orientation. "
    "Rechargez la page pour la voir, puis modifiez-la si besoin."
)


def _same(referral: Referral, values: dict[str, str]) -> bool:
    current = plain(referral.answer) or {}
    return all((current.get(key) or "") == (values.get(key) or "") for key in FIELDS)


def validate(
    form: dict[str, str], *, today: date, department: str
) -> tuple[dict[str, str], list[str]]:
    """The answer as stored (dates ISO, phone E.164, text trimmed) and what is wrong with it."""
    problems: list[str] = []
    values = {
        key: without_controls(form.get(key) or "", multiline=key == "commentaire").strip()
        for key in FIELDS
    }
    if values["reponse"] not in ANSWERS:
        problems.append("Choisissez une réponse.")
    values["date_rdv"] = _check_date(values["date_rdv"], today, problems)
    values["conseiller_telephone"] = _check_phone(
        values["conseiller_telephone"], department, problems
    )
    for key, limit, label in (
        ("motif", MAX_MOTIF, "Motif"),
        ("commentaire", MAX_COMMENT, "Commentaire"),
        ("conseiller_nom", MAX_NAME, "Nom du conseiller ou de la conseillère"),
    ):
        if len(values[key]) > limit:
            problems.append(f"{label} trop long ({limit} caractères au plus).")
    return values, problems


def _check_date(text: str, today: date, problems: list[str]) -> str:
    if not text:
        return ""
    day = parse_day(text)
    if day is None:
        problems.append("Date de rendez-vous invalide (JJ/MM/AAAA).")
        return text
    first, last = today - RDV_PAST, add_months(today, 12 * RDV_FUTURE_YEARS)
    if not first <= day <= last:
        problems.append(
            "Date de rendez-vous hors des limites : entre le "
            f"{first:%d/%m/%Y} et le {last:%d/%m/%Y}."
        )
        return text
    return day.isoformat()


def _check_phone(text: str, department: str, problems: list[str]) -> str:
    if not text:
        return ""
    try:
        return normalize_phone(text, department).e164
    except InvalidPhoneError:
        problems.append("Téléphone du conseiller ou de la conseillère invalide.")
        return text


def parse_day(text: str) -> date | None:
    """``AAAA-MM-JJ`` (date pickers) or ``JJ/MM/AAAA`` (typed by hand)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if 1900 <= day.year <= 2099 else None
    return None


def not_found() -> Page:
    return Page(404, render_page("not_found", {}))


def error_page(status: int, message: str, *, department: dict[str, Any] | None = None) -> Page:
    return Page(status, render_page("error", {"message": message, "department": department}))


def _department(referral: Referral) -> dict[str, Any] | None:
    return (plain(referral.snapshot) or {}).get("department")


def _open(token: str, now: datetime) -> Referral | Page:
    """The live referral behind a token, or the page that says why there is none."""
    try:
        referral = _find(token, now)
    except _MissingError:
        return not_found()
    if link_expired(referral, now):
        return expired_page(referral)
    return referral


def _find(token: str, now: datetime) -> Referral:
    if not tokens.is_well_formed(token):
        raise _MissingError
    referral = referral_store.by_token(tokens.hash_token(token), now)
    if referral is None or referral.status not in VISIBLE:
        raise _MissingError
    return referral


def link_expired(referral: Referral, now: datetime) -> bool:
    """Past its ``ack_ttl_days``: the referral can no longer be answered by a partner."""
    return bool(referral.token_expires_at) and parse_iso(referral.token_expires_at) <= now


def expired_page(referral: Referral) -> Page:
    return Page(410, render_page("expired", {"department": _department(referral)}))


def referral_context(
    referral: Referral, now: datetime, *, link: str, form_action: str = ""
) -> dict[str, Any]:
    """What the referral's page shows: ``link`` is its own (relative), ``form_action`` where its
    form posts (empty: to the page itself)."""
    stored = {"referral_id": referral.referral_id, "snapshot": plain(referral.snapshot)}
    if referral.token_expires_at:
        stored["expires_on"] = referral.token_expires_at[:10]
    if referral.sent_at:
        stored["sent_at"] = referral.sent_at
    context = partner_context(stored, now, ack_url=link)
    context["form_action"] = form_action
    context["current_answer"] = plain(referral.answer)
    return context


def _measure(referral: Referral, now: datetime) -> None:
    emit("AcksReceived", 1, department=referral.department)
    if referral.sent_at:
        hours = (now - parse_iso(referral.sent_at)) / timedelta(hours=1)
        emit("AckDelayHours", round(hours, 2), department=referral.department)

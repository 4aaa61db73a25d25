"""The partner's door: the acknowledgement page (GET, changes nothing) and the answer (POST).

GET is one read (``token-index``). POST is two requests: that read, then one TransactWriteItems
recording the answer on the referral and the audit event. Re-routing after ``non_competent`` and
the department's alert (every answer is in its digest) are done by the follow-up job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib.ack import tokens
from chalicelib.delivery.compose import partner_context
from chalicelib.messages.render import render_page
from chalicelib.observability import emit, logger
from chalicelib.referrals import lifecycle
from chalicelib.store.base import is_expired, iso, parse_iso
from chalicelib.store.models import AuditEvent, Referral
from chalicelib.store.transactions import TransactWriteError, conditions_failed, transaction

VISIBLE = lifecycle.ANSWERABLE
MAX_COMMENT, MAX_MOTIF = 500, 200


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
    return Page(200, render_page("ack", _context(opened, token, now)))


def answer(token: str, form: dict[str, str], now: datetime, *, same_origin: bool) -> Page:
    if not same_origin:
        return Page(403, render_page("error", {"message": "Requête refusée (origine inconnue)."}))
    referral = _open(token, now)
    if isinstance(referral, Page):
        return referral
    values, problems = validate(form)
    if problems:
        context = _context(referral, token, now) | {"errors": problems, "values": values}
        return Page(400, render_page("ack", context))
    if not _record(referral, values, now):
        return not_found()
    _measure(referral, now)
    logger.info("answer recorded", extra={"referral_id": referral.referral_id})
    context = _context(referral, token, now) | {"answer": values, "current_answer": values}
    return Page(200, render_page("ack_done", context))


def validate(form: dict[str, str]) -> tuple[dict, list[str]]:
    problems: list[str] = []
    reponse = (form.get("reponse") or "").strip()
    if reponse not in lifecycle.ANSWER_STATUS:
        problems.append("Choisissez une réponse.")
    date_rdv = (form.get("date_rdv") or "").strip()
    if date_rdv:
        parsed = parse_day(date_rdv)
        if parsed is None:
            problems.append("Date de rendez-vous invalide (JJ/MM/AAAA).")
        else:
            date_rdv = parsed.isoformat()
    motif = (form.get("motif") or "").strip()
    commentaire = (form.get("commentaire") or "").strip()
    if len(motif) > MAX_MOTIF:
        problems.append(f"Motif trop long ({MAX_MOTIF} caractères au plus).")
    if len(commentaire) > MAX_COMMENT:
        problems.append(f"Commentaire trop long ({MAX_COMMENT} caractères au plus).")
    values = {"reponse": reponse, "date_rdv": date_rdv, "motif": motif, "commentaire": commentaire}
    return values, problems


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


def _open(token: str, now: datetime) -> Referral | Page:
    """The live referral behind a token, or the page that says why there is none."""
    try:
        referral = _find(token, now)
    except _MissingError:
        return not_found()
    if _expired(referral, now):
        return _expired_page(referral)
    return referral


def _find(token: str, now: datetime) -> Referral:
    if not tokens.is_well_formed(token):
        raise _MissingError
    found = list(Referral.token_index.query(tokens.hash_token(token), limit=1))
    if not found:
        raise _MissingError
    referral = found[0]
    if referral.status not in VISIBLE or is_expired(referral.expires_at, now):
        raise _MissingError
    return referral


def _expired(referral: Referral, now: datetime) -> bool:
    return bool(referral.token_expires_at) and parse_iso(referral.token_expires_at) <= now


def _expired_page(referral: Referral) -> Page:
    department = referral.snapshot.as_dict()["department"]
    return Page(410, render_page("expired", {"department": department}))


def _context(referral: Referral, token: str, now: datetime) -> dict:
    stored = {"referral_id": referral.referral_id, "snapshot": referral.snapshot.as_dict()}
    if referral.token_expires_at:
        stored["expires_on"] = referral.token_expires_at[:10]
    if referral.sent_at:
        stored["sent_at"] = referral.sent_at
    context = partner_context(stored, now, ack_url=f"/ack/{token}")
    context["form_action"] = ""
    context["current_answer"] = referral.answer.as_dict() if referral.answer else None
    return context


def _record(referral: Referral, values: dict, now: datetime) -> bool:
    status = lifecycle.ANSWER_STATUS[values["reponse"]]
    answer_item = {k: v for k, v in values.items() if v} | {"at": iso(now)}
    actions = [
        Referral.status.set(status),
        Referral.answer.set(answer_item),
        Referral.answered_at.set(iso(now)),
        Referral.history.set(Referral.history.append([lifecycle.entry(status, now, "partner")])),
    ]
    # The follow-up job tells the department (digest) and, after ``non_competent``, re-routes:
    # the partner's request stays at two DynamoDB requests.
    stage = "reroute" if status == "redirected" else "answered"
    actions += [Referral.followup_at.set(iso(now)), Referral.followup_stage.set(stage)]
    event = AuditEvent(
        referral.department,
        f"{iso(now)}#{referral.referral_id[-12:]}{len(referral.history or [])}",
        action=f"ack_{values['reponse']}",
        actor="partner",
        counts={},
        subject=referral.referral_id,
    )
    try:
        with transaction() as write:
            write.update(
                referral,
                actions=actions,
                condition=Referral.status.is_in(*VISIBLE) & (Referral.token_expires_at > iso(now)),
            )
            write.save(event, condition=AuditEvent.at_id.does_not_exist())
    except TransactWriteError as error:
        if conditions_failed(error):
            return False
        raise
    return True


def _measure(referral: Referral, now: datetime) -> None:
    emit("AcksReceived", 1, department=referral.department)
    if referral.sent_at:
        hours = (now - parse_iso(referral.sent_at)) / timedelta(hours=1)
        emit("AckDelayHours", round(hours, 2), department=referral.department)

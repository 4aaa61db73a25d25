"""A partner's answers: each kept whole, at most ``MAX_ANSWERS`` changes (SPEC §6).

sent | escalated | answered ──record_answer──► acknowledged | declined | redirected
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import size

from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.clock import iso
from chalicelib.domain.enums import ANSWERABLE, FollowupStage, ReferralStatus
from chalicelib.domain.stored import StoredReferral
from chalicelib.store.base import own
from chalicelib.store.models import AuditEvent, Referral
from chalicelib.store.referrals import history_action
from chalicelib.store.writes import applied, transaction

MAX_ANSWERS = 20  # changes of answer kept per referral (SPEC §6)


def record_answer(referral: StoredReferral, answer: AnswerEntry, now: datetime) -> bool:
    """The partner's answer, whole, appended to ``answers`` (at most ``MAX_ANSWERS``), with the
    audit event, in one transaction. Conditional on the number of answers read: of two posts at
    once, the second finds the first's answer (the caller shows it)."""
    status = answer.reponse.status
    item = replace(answer, at=iso(now)).to_item()
    count = len(referral.answers or [])
    actions = [
        Referral.status.set(status),
        Referral.answer.set(item),
        Referral.answers.set(Referral.answers.append([item]) if count else [item]),
        Referral.answered_at.set(iso(now)),
        Referral.awaiting_since.remove(),
        history_action(status, now, "partner"),
        *_followup_after(status, now),
    ]
    seen = Referral.answers.does_not_exist() if count == 0 else size(Referral.answers) == count
    event = AuditEvent(
        referral.department,
        f"{iso(now)}#{referral.referral_id[-12:]}#{count}#{secrets.token_hex(3)}",
        action=f"ack_{answer.reponse.value}",
        actor="partner",
        counts={},
        subject=referral.referral_id,
    )

    def write() -> None:
        with transaction() as batch:
            batch.update(
                own(referral, Referral),
                actions=actions,
                condition=Referral.status.is_in(*ANSWERABLE)
                & (Referral.token_expires_at > iso(now))
                & seen,
            )
            batch.save(event, condition=AuditEvent.at_id.does_not_exist())

    return applied(write)


def _followup_after(status: ReferralStatus, now: datetime) -> list[Any]:
    """The follow-up job tells the department (digest) and, after ``non_competent``, routes
    again: the partner's request stays at two DynamoDB requests."""
    stage = FollowupStage.REROUTE if status == ReferralStatus.REDIRECTED else FollowupStage.ANSWERED
    return [Referral.followup_at.set(iso(now)), Referral.followup_stage.set(stage)]


def answers_of(referral: StoredReferral) -> list[AnswerEntry]:
    """Every answer, oldest first (a referral answered before the list existed has one)."""
    return referral.every_answer()

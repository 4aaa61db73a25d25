"""Every code the product stores or shows, as ``StrEnum``: equal to its stored string, so items
written before the enums existed read back unchanged and JSON/Jinja see plain strings."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Kind(StrEnum):
    """What a referral is for (SPEC §6)."""

    MISSION_LOCALE = "mission_locale"
    HABITAT_JEUNES = "habitat_jeunes"
    ENTRETIEN = "entretien"


class PartnerType(StrEnum):
    MISSION_LOCALE = "mission_locale"
    HABITAT_JEUNES = "habitat_jeunes"


class ReferralStatus(StrEnum):
    """A referral's status (SPEC §6). ``sending`` is held by the message while a dispatcher owns
    its claim; the referral goes from ``pending`` to ``sent`` in the send transaction."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"
    REDIRECTED = "redirected"
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"
    ESCALATED = "escalated"
    CANCELLED = "cancelled"


# a partner may answer (or change its answer) in these statuses, until the token expires
ANSWERABLE = (
    ReferralStatus.SENT,
    ReferralStatus.ESCALATED,
    ReferralStatus.ACKNOWLEDGED,
    ReferralStatus.DECLINED,
    ReferralStatus.REDIRECTED,
)
# statuses reached by an answer: late delivery events never change them (SPEC §6)
ANSWERED = (ReferralStatus.ACKNOWLEDGED, ReferralStatus.DECLINED, ReferralStatus.REDIRECTED)
# still expecting a reminder or an escalation
AWAITING_ANSWER = (ReferralStatus.SENT, ReferralStatus.ESCALATED)
# a partner said no (``refuse`` or ``non_competent``): the department re-routes or keeps it
REFUSED = (ReferralStatus.DECLINED, ReferralStatus.REDIRECTED)


class MessageStatus(StrEnum):
    HELD = "merged"  # rides inside another message (an invitation in its referral's email)
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class Answer(StrEnum):
    """A partner's answer (form field ``reponse``)."""

    ACCEPTE = "accepte"
    REFUSE = "refuse"
    NON_COMPETENT = "non_competent"

    @property
    def status(self) -> ReferralStatus:
        return _ANSWER_STATUS[self]


_ANSWER_STATUS = {
    Answer.ACCEPTE: ReferralStatus.ACKNOWLEDGED,
    Answer.REFUSE: ReferralStatus.DECLINED,
    Answer.NON_COMPETENT: ReferralStatus.REDIRECTED,
}


class YouthStatus(StrEnum):
    ACTIVE = "active"
    EXITED = "exited"


class YouthEvent(StrEnum):
    """What a youth's history records (``Youth.history``, labels in ``domain.labels``)."""

    EXITED = "exited"
    REACTIVATED = "reactivated"
    RETURNED = "returned"  # labelled in domain.labels, not written by this version
    PATHWAY = "pathway"  # a pathway part changed state in the roster
    PARTNER_ACCEPTED = "partner_accepted"  # a partner took on a part (its answer ``accepte``)
    PARTNER_WITHDREW = "partner_withdrew"  # then changed its answer


class FollowupStage(StrEnum):
    """What the hourly follow-up job does next with a referral: a reminder, then an escalation
    when nobody answers; after an answer, telling the department (``answered``), or a new route
    (``reroute``, after ``non_competent``)."""

    REMINDER = "reminder"
    ESCALATION = "escalation"
    REROUTE = "reroute"
    ANSWERED = "answered"


class PathwayState(StrEnum):
    """State of one part of the youth's pathway (R222-6 CASF); absent = unknown."""

    SECURISE = "securise"
    EN_COURS = "en_cours"
    A_TRAITER = "a_traiter"


def known(enum: type[E], value: str) -> E | str:
    """``value`` as a member of ``enum``, or as stored when this version does not know it (an
    item written by another version reads back, and is written back, unchanged)."""
    try:
        return enum(value)
    except ValueError:
        return value

"""What a department is alerted about (SPEC §7 alert digest, §4b alerts page). Pure.

An alert is raised once per (department, kind, subject); it is *open* until an agent acts on it
(or the situation resolves itself: a partner answers after an escalation, a blocked youth is
routed), then *closed*. ``accepted`` answers are *info*: listed once in the digest's summary,
never open on the alerts page.
"""

from __future__ import annotations

from enum import StrEnum


class AlertKind(StrEnum):
    NO_PARTNER = "no_partner"  # no competent partner for a due referral
    REFUSED = "refused"  # a partner answered ``refuse``
    REDIRECTED = "redirected"  # a partner answered ``non_competent``
    UNDELIVERABLE = "undeliverable"  # hard bounce / invalid address, no other channel
    FAILED = "failed"  # retries exhausted
    ESCALATED = "escalated"  # no answer after ``escalade_jours``
    ACCEPTED = "accepted"  # summary item: a partner accepted

    @property
    def actionable(self) -> bool:
        """An actionable alert stays open on the alerts page until someone acts."""
        return self is not AlertKind.ACCEPTED


class AlertState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    INFO = "info"


# The digest's sections, in the order an agent should work through them.
DIGEST_ORDER: tuple[AlertKind, ...] = (
    AlertKind.NO_PARTNER,
    AlertKind.REFUSED,
    AlertKind.REDIRECTED,
    AlertKind.UNDELIVERABLE,
    AlertKind.FAILED,
    AlertKind.ESCALATED,
    AlertKind.ACCEPTED,
)

# Why an alert was closed (``closed_action``), for the console's timeline.
CLOSED_BY_AGENT = "agent"
CLOSED_PARTNER_ANSWERED = "partner_answered"
CLOSED_ROUTED = "routed"
CLOSED_YOUTH_EXITED = "youth_exited"

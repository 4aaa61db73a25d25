"""Messages: Jinja2 rendering of emails, SMS and acknowledgement pages; GSM-7; ICS. Pure.

Names are imported lazily (PEP 562) so that importing the package costs nothing at cold start:
Jinja2 loads on the first render, icalendar on the first invitation.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.messages.ics import build_invitation, invitation_attachment
    from chalicelib.messages.render import (
        SMS_COMPACT_LEVELS,
        Attachment,
        RenderedEmail,
        render_email,
        render_page,
        render_sms,
    )
    from chalicelib.messages.sms import (
        SMS_MAX,
        SMS_SENDER_MAX,
        SmsTooLongError,
        gsm7_length,
        is_gsm7,
        to_gsm7,
    )

_MODULES = {
    "build_invitation": "ics",
    "invitation_attachment": "ics",
    "SMS_COMPACT_LEVELS": "render",
    "Attachment": "render",
    "RenderedEmail": "render",
    "render_email": "render",
    "render_page": "render",
    "render_sms": "render",
    "SMS_MAX": "sms",
    "SMS_SENDER_MAX": "sms",
    "SmsTooLongError": "sms",
    "gsm7_length": "sms",
    "is_gsm7": "sms",
    "to_gsm7": "sms",
}

__all__ = [
    "SMS_COMPACT_LEVELS",
    "SMS_MAX",
    "SMS_SENDER_MAX",
    "Attachment",
    "RenderedEmail",
    "SmsTooLongError",
    "build_invitation",
    "gsm7_length",
    "invitation_attachment",
    "is_gsm7",
    "render_email",
    "render_page",
    "render_sms",
    "to_gsm7",
]


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

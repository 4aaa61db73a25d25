"""Emails, SMS and pages rendered from the Jinja2 templates. Pure (reads templates only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.messages.sms import (
    SMS_MAX,
    SmsTooLongError,
    gsm7_length,
    shorten_first_name,
    to_gsm7,
)

# SMS templates receive ``compact`` = 0 (everything) … SMS_COMPACT_LEVELS - 1 (the bare minimum);
# each level drops more optional details, never the link.
SMS_COMPACT_LEVELS = 4

_BLANK_LINES = re.compile(r"\n{3,}")
_LAYOUT_BREAKS = re.compile(r"[ \t]*\r?\n[ \t]*")
_TRAILING_SPACES = re.compile(r"[ \t]+\n")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def render_email(
    name: str, context: dict, attachments: tuple[Attachment, ...] = ()
) -> RenderedEmail:
    """``templates/email/<name>``: ``.subject.j2``, and ``.body.j2`` rendered twice (HTML and
    text parts from one source, see ``environment``).

    The subject is one line (whitespace collapsed: no header injection); the text part has no
    trailing spaces and at most one blank line in a row.
    """
    from chalicelib.messages import environment

    subject = render_template("email", name, "subject.j2", context)
    path = environment.template_path("email", name, "body.j2")
    parts = {
        html: environment.email_environment(html=html).get_template(path).render(context)
        for html in (True, False)
    }
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_text_part(parts[False]),
        html=parts[True].strip() + "\n",
        attachments=tuple(attachments),
    )


def render_sms(name: str, context: dict) -> str:
    """``templates/sms/<name>.txt.j2`` in GSM-7, at most SMS_MAX septets, link intact.

    Rendered with ``compact`` = 0, 1, … until it fits; then, the youth's first name shortened
    until it fits; raises SmsTooLongError when even that is too long. The message carries no
    personal data.
    """
    length = 0
    for level in range(SMS_COMPACT_LEVELS):
        text, length = _sms_at(name, {**context, "compact": level})
        if length <= SMS_MAX:
            return text
    found = context.get("youth")
    youth: dict = found if isinstance(found, dict) else {}
    prenom = to_gsm7(str(youth.get("prenom") or ""))
    while prenom:
        shorter = shorten_first_name(prenom, length - SMS_MAX)
        if shorter == prenom:
            break
        prenom = shorter
        compact = {
            **context,
            "compact": SMS_COMPACT_LEVELS - 1,
            "youth": {**youth, "prenom": prenom},
        }
        text, length = _sms_at(name, compact)
        if length <= SMS_MAX:
            return text
    raise SmsTooLongError(f"SMS {name!r} : {length} caractères GSM-7, maximum {SMS_MAX}")


def _sms_at(name: str, context: dict) -> tuple[str, int]:
    text = to_gsm7(render_template("sms", name, "txt.j2", context))
    link = context.get("ack_url")
    if link and link not in text:
        raise ValueError(f"SMS {name!r} : le lien n'est pas en GSM-7 ou est absent du modèle")
    return text, gsm7_length(text)


def render_page(name: str, context: dict) -> str:
    """``templates/pages/<name>.html.j2`` (autoescaped HTML, no script)."""
    return render_template("pages", name, "html.j2", context)


def render_template(folder: str, name: str, suffix: str, context: dict) -> str:
    """Jinja2 is imported on first use only (cold start)."""
    from chalicelib.messages import environment

    path = environment.template_path(folder, name, suffix)
    return environment.environment().get_template(path).render(context)


def _text_part(rendered: str) -> str:
    """The text body's layout line breaks go; its blocks' breaks become a blank line (paragraph)
    or a line break; no trailing spaces, at most one blank line in a row."""
    from chalicelib.messages.environment import LINE_BREAK, PARAGRAPH_BREAK

    text = _LAYOUT_BREAKS.sub("", rendered)
    text = text.replace(PARAGRAPH_BREAK, "\n\n").replace(LINE_BREAK, "\n")
    text = _TRAILING_SPACES.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"

"""The Jinja2 environments: templates from ``templates/``, French filters, strict undefined.

``environment()`` renders pages, SMS, subjects and calendar descriptions (autoescaped by file
extension). An email's body is ONE template (``email/<name>.body.j2``) rendered twice, by
``email_environment(html=True)`` (autoescaped, ``html`` true) and ``email_environment(html=False)``
(plain text): its blocks (``email/_blocks.j2``) say how a paragraph, a list or a link looks in
each part, so each sentence is written once.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.domain.labels import (
    ANSWERS,
    DATE_RDV_LABELS,
    KIND_LABELS,
    REFERRAL_TITLES,
    answer_label,
)
from chalicelib.messages.filters import FILTERS

# Repo root locally; /var/task/templates in Lambda (shipped through vendor/).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# In an email's text part, where the blocks break lines: the template's own line breaks are
# layout (``render`` drops them), these are the text's (``render`` turns them into line breaks).
PARAGRAPH_BREAK, LINE_BREAK = "\x1e", "\x1f"


@cache
def environment() -> Environment:
    """Built once per process. ``.html.j2`` templates are autoescaped; ``.txt.j2``,
    ``.subject.j2`` and ``.ics.j2`` (a calendar DESCRIPTION) are plain text; anything else is
    escaped by default."""
    return _configured(
        select_autoescape(
            enabled_extensions=("html", "html.j2"),
            disabled_extensions=("txt.j2", "subject.j2", "ics.j2"),
            default_for_string=True,
            default=True,
        )
    )


@cache
def email_environment(*, html: bool) -> Environment:
    """The environment of an email's body for one part: HTML (autoescaped) or plain text."""
    env = _configured(html, extensions=("jinja2.ext.do",))
    env.globals.update(html=html, PARA=PARAGRAPH_BREAK, LINE=LINE_BREAK)
    return env


def _configured(autoescape: Any, extensions: tuple[str, ...] = ()) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=list(extensions),
    )
    env.filters.update(FILTERS)
    env.globals.update(
        answer_label=answer_label,
        ANSWERS=ANSWERS,
        KIND_LABELS=KIND_LABELS,  # short: "Mission locale" (tables, the console)
        REFERRAL_TITLES=REFERRAL_TITLES,  # what a message or page about a referral is titled
        DATE_RDV_LABELS=DATE_RDV_LABELS,
    )
    return env


def template_path(folder: str, name: str, suffix: str) -> str:
    """``email/reminder.html.j2``; rejects names that are not plain identifiers."""
    if not _NAME.match(name or ""):
        raise ValueError(f"nom de modèle invalide : {name!r}")
    return f"{folder}/{name}.{suffix}"

"""The Jinja2 environment: templates from ``templates/``, French filters, strict undefined."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.messages.filters import FILTERS
from chalicelib.messages.labels import (
    ANSWERS,
    DATE_RDV_LABELS,
    KIND_LABELS,
    answer_label,
)

# Repo root locally; /var/task/templates in Lambda (shipped through vendor/).
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def environment() -> Environment:
    """Built once per process. ``.html.j2`` templates are autoescaped; ``.txt.j2``,
    ``.subject.j2`` and ``.ics.j2`` (a calendar DESCRIPTION) are plain text; anything else is
    escaped by default."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(
            enabled_extensions=("html", "html.j2"),
            disabled_extensions=("txt.j2", "subject.j2", "ics.j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        answer_label=answer_label,
        ANSWERS=ANSWERS,
        KIND_LABELS=KIND_LABELS,
        DATE_RDV_LABELS=DATE_RDV_LABELS,
    )
    return env


def template_path(folder: str, name: str, suffix: str) -> str:
    """``email/reminder.html.j2``; rejects names that are not plain identifiers."""
    if not _NAME.match(name or ""):
        raise ValueError(f"nom de modèle invalide : {name!r}")
    return f"{folder}/{name}.{suffix}"

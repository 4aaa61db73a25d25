"""Read what the embedded endpoint sent (local only): emails parsed from MIME, SMS as text."""

from __future__ import annotations

import email
import json
import re
import urllib.request
from email import policy
from email.message import EmailMessage
from typing import Any

from chalicelib import settings
from chalicelib.errors import BadRequestError

ACK_LINK = re.compile(r"https?://[^\s\"'<>]+/ack/[A-Za-z0-9_-]{43}")

OUTBOX_PATH = "/_relais/outbox"  # the embedded endpoint serves what was sent there
PAGE_LIMIT = 200  # the page shows the newest ones: a department's first morning sends thousands


def fetch() -> list[dict[str, Any]]:
    endpoint = settings.current().endpoint_url
    if not endpoint:
        raise BadRequestError("outbox : réservé au point d'accès local (AWS_ENDPOINT_URL).")
    with urllib.request.urlopen(endpoint.rstrip("/") + OUTBOX_PATH, timeout=10) as answer:
        records = json.loads(answer.read().decode("utf-8"))
    return [parse(record) for record in records]


def parse(record: dict[str, Any]) -> dict[str, Any]:
    if record["channel"] == "sms":
        text = record.get("text", "")
        return {
            "channel": "sms",
            "to": record["to"][0] if record["to"] else "",
            "subject": None,
            "text": text,
            "html": None,
            "ack_url": _link(text),
            "attachments": [],
        }
    if "raw" not in record:
        return {
            "channel": "email",
            "to": ", ".join(record["to"]),
            "subject": record.get("subject"),
            "text": record.get("text"),
            "html": None,
            "ack_url": _link(record.get("text") or ""),
            "attachments": [],
        }
    message: EmailMessage = email.message_from_string(  # type: ignore[assignment]
        record["raw"],
        policy=policy.default,  # type: ignore[arg-type]
    )
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = text_part.get_content() if text_part else ""
    html = html_part.get_content() if html_part else ""
    attachments = [
        {
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "method": part.get_param("method"),
            "content": part.get_content() if part.get_content_maintype() == "text" else None,
        }
        for part in message.iter_attachments()
    ]
    return {
        "channel": "email",
        "to": str(message["To"] or ", ".join(record["to"])),
        "subject": str(message["Subject"] or ""),
        "text": text,
        "html": html,
        "ack_url": _link(text) or _link(html),
        "attachments": attachments,
        "reply_to": str(message["Reply-To"] or "") or None,
    }


def _link(text: str) -> str | None:
    found = ACK_LINK.search(text or "")
    return found.group(0) if found else None


def describe(messages: list[dict[str, Any]]) -> str:
    lines = []
    for number, item in enumerate(messages, 1):
        head = f"[{number}] {item['channel'].upper()} → {item['to']}"
        if item["subject"]:
            head += f" — {item['subject']}"
        lines.append(head)
        if item["channel"] == "sms":
            lines.append(f"    {item['text']}")
        if item["ack_url"]:
            lines.append(f"    lien : {item['ack_url']}")
        for attachment in item["attachments"]:
            lines.append(f"    pièce jointe : {attachment['filename']}")
    return "\n".join(lines) if lines else "(aucun message envoyé)"


def page(messages: list[dict[str, Any]], total: int | None = None) -> str:
    """The outbox as a page a person can read, with the acknowledgement links to click:
    ``messages`` are the newest of ``total`` sent."""
    from html import escape

    items = []
    for item in reversed(messages):
        link = (
            f'<p><a href="{escape(item["ack_url"])}">Ouvrir le lien de réponse</a></p>'
            if item["ack_url"]
            else ""
        )
        files = "".join(f"<li>{escape(a['filename'] or '')}</li>" for a in item["attachments"])
        items.append(
            f"<article><h2>{escape(item['channel'].upper())} → {escape(item['to'])}</h2>"
            f"<p><strong>{escape(item['subject'] or '')}</strong></p>{link}"
            f"<pre>{escape(item['text'] or '')}</pre>"
            f"{'<ul>' + files + '</ul>' if files else ''}</article>"
        )
    body = "".join(items) or "<p>Aucun message envoyé.</p>"
    total = len(messages) if total is None else total
    shown = f", les {len(messages)} plus récents affichés" if total > len(messages) else ""
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Boîte d'envoi — Relais ASE (local)</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "article{border:1px solid #bbb;border-radius:6px;padding:0 1rem;margin:1rem 0}"
        "pre{white-space:pre-wrap}</style></head><body>"
        f"<h1>Boîte d'envoi locale ({total} messages{shown}, le plus récent en haut)</h1>"
        f"{body}</body></html>"
    )

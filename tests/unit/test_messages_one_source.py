"""Each sentence is written once (SPEC §7): an email's HTML and text parts come from one source,
so every sentence of one part is in the other, for every email, whatever its context holds."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chalicelib.messages import render_email
from tests.support.render_contexts import EMAILS, email_context

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
# What only one medium can say: the HTML button's fallback (the text part IS the link written out)
ONE_MEDIUM_ONLY = ("si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur",)
BLOCK_TAGS = {"p", "li", "h1", "h2", "ul", "br", "tr", "td", "th", "caption", "hr", "div"}
PIECE_BREAK = re.compile(r"\n|\s[–—]\s|(?<=[.!?;:])\s")


class _VisibleText(HTMLParser):
    """What a reader sees of an HTML part: the body's text, a line break at each block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.in_head = self.in_head or tag == "head"
        if tag in BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag in BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.in_head:
            self.chunks.append(" ".join(data.split("\n")))


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return unescape("".join(parser.chunks))


def pieces(text: str) -> set[str]:
    """Sentences and the parts of a list line (label, value), as a reader would quote them."""
    found = set()
    for piece in PIECE_BREAK.split(text):
        piece = re.sub(r"^[-*]\s+", "", " ".join(piece.split())).strip(" :").casefold()
        if re.search(r"\w", piece) and not piece.startswith("http"):
            found.add(piece)
    return found


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize("variant", ["full", "minimal", "absent"])
@pytest.mark.parametrize("name", EMAILS)
def test_every_sentence_of_one_part_is_in_the_other(name: str, variant: str) -> None:
    email = render_email(name, email_context(name, variant))
    html_text = visible_text(email.html)

    missing_from_html = [p for p in pieces(email.text) if p not in flat(html_text)]
    missing_from_text = [
        p for p in pieces(html_text) if p not in flat(email.text) and p not in ONE_MEDIUM_ONLY
    ]

    assert not missing_from_html, missing_from_html
    assert not missing_from_text, missing_from_text


def test_each_email_has_one_body_template_and_no_separate_html_or_text_part() -> None:
    bodies = {path.name.removesuffix(".body.j2") for path in TEMPLATES.glob("[a-z]*.body.j2")}
    assert bodies == set(EMAILS)
    assert not list(TEMPLATES.glob("*.html.j2")) and not list(TEMPLATES.glob("*.txt.j2"))


def test_the_text_part_keeps_its_layout_headings_lists_and_links_on_lines_of_their_own() -> None:
    email = render_email("referral_mission_locale", email_context("referral_mission_locale"))
    assert "\n\nLE OU LA JEUNE\n- Jeune : Maëlys D.\n- Âge : 16 ans\n" in email.text
    assert "\n\nRépondre à l'orientation :\nhttps://relais-ase.example.fr/ack/" in email.text
    assert "<" not in email.text.replace("<ML>", "")

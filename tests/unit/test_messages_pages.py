"""Acknowledgement pages: form accessibility, answers, consent gating, escaping, no script."""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser

import pytest

from chalicelib.messages import KIND_LABELS, render_page
from tests.unit.test_messages_render import (
    XSS,
    department,
    full_youth,
    minimal_youth,
    partner,
    poison,
)

KINDS = ("mission_locale", "habitat_jeunes", "entretien")
PAGES = ("ack", "ack_done", "not_found", "expired", "error")
ANSWER = {
    "reponse": "refuse",
    "date_rdv": "2026-05-10",
    "motif": "Plus de place",
    "commentaire": "Rappeler en juin",
    "at": datetime(2026, 4, 2, 9, 5),
}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <label for=…>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if tag == "label":
            self._label = values.get("for") or ""
            self.labels[self._label] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = None

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self.labels[self._label] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            values
            for name, values in self.tags
            if name == tag and all(values.get(k) == v for k, v in attrs.items())
        ]


def page_context(name: str, variant: str = "full", kind: str = "mission_locale") -> dict:
    full = variant == "full"
    youth = (
        full_youth()
        if full
        else minimal_youth(absent=variant == "absent", entretien=kind == "entretien")
    )
    common = {
        "department": department(),
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "expires_on": date(2026, 7, 1),
        "answer_by": date(2026, 4, 8),
    }
    if name == "ack":
        context = {**common, "youth": youth}
        if full:
            context.update(partner=partner(), current_answer=dict(ANSWER))
        return context
    if name == "ack_done":
        answer = dict(ANSWER) if full else {"reponse": "accepte"}
        return {**common, "answer": answer, **({"youth": youth} if full else {})}
    if name == "expired":
        return {"department": department(), **({"expires_on": date(2026, 7, 1)} if full else {})}
    if name == "error":
        return {"message": "Le formulaire a expiré.", "department": department()} if full else {}
    return {}


@pytest.mark.parametrize("variant", ["full", "minimal", "absent"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_a_french_html_document_without_script_or_external_resource(
    name: str, kind: str, variant: str
) -> None:
    html = render_page(name, page_context(name, variant, kind))
    elements = Elements(html)

    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert elements.find("meta", name="viewport")
    assert elements.find("meta", name="referrer", content="no-referrer")  # the token is in the URL
    assert elements.find("meta", name="robots", content="noindex, nofollow")
    assert elements.find("main") and elements.find("h1")
    assert not elements.find("script") and not elements.find("img")
    # the only link is the empty inline icon that spares a favicon request
    assert elements.find("link") == [{"rel": "icon", "href": "data:,"}]
    assert not any(tag in ("iframe", "object", "embed", "base") for tag, _ in elements.tags)
    assert not any("style" in attrs for _, attrs in elements.tags)  # only the <style> block
    assert not any(key.startswith("on") for _, attrs in elements.tags for key in attrs)
    assert "None" not in html


@pytest.mark.parametrize("kind", KINDS)
def test_the_ack_form_posts_three_labelled_answers_a_date_a_reason_and_a_comment(
    kind: str,
) -> None:
    elements = Elements(render_page("ack", page_context("ack", "minimal", kind)))

    (form,) = elements.find("form")
    assert form["method"] == "post" and "action" not in form
    radios = elements.find("input", type="radio", name="reponse")
    assert [radio["value"] for radio in radios] == ["accepte", "refuse", "non_competent"]
    assert all("required" in radio and "checked" not in radio for radio in radios)
    assert elements.find("input", type="date", name="date_rdv")
    assert elements.find("input", type="text", name="motif")
    (comment,) = elements.find("textarea", name="commentaire")
    assert comment["maxlength"] == "500"
    assert elements.find("button", type="submit")
    assert elements.find("fieldset") and elements.find("legend")
    for _, attrs in elements.tags:
        if attrs.get("name") in ("reponse", "date_rdv", "motif", "commentaire"):
            assert elements.labels.get(attrs["id"] or "", "").strip(), attrs


def test_the_ack_form_posts_to_the_given_action() -> None:
    context = {**page_context("ack"), "form_action": "/ack/abc"}
    (form,) = Elements(render_page("ack", context)).find("form")
    assert form["action"] == "/ack/abc"


def test_the_ack_page_shows_the_current_answer_preselected_and_changeable_until_expiry() -> None:
    html = render_page("ack", page_context("ack", "full"))
    elements = Elements(html)

    (checked,) = [r for r in elements.find("input", name="reponse") if "checked" in r]
    assert checked["value"] == "refuse"
    assert elements.find("input", name="date_rdv")[0]["value"] == "2026-05-10"
    assert elements.find("input", name="motif")[0]["value"] == "Plus de place"
    assert "Rappeler en juin" in html and "02/04/2026 à 9 h 05" in html
    assert "déjà enregistrée" in html and "mercredi 1er juillet 2026" in html
    assert "Modifier ma réponse" in html


def test_the_ack_page_shows_submitted_values_and_errors_after_a_rejected_post() -> None:
    context = {
        **page_context("ack", "minimal"),
        "errors": ["Choisissez une réponse."],
        "values": {"motif": "Hors zone", "date_rdv": "pas une date"},
    }
    html = render_page("ack", context)
    elements = Elements(html)
    assert elements.find("div", role="alert") and "Choisissez une réponse." in html
    assert elements.find("input", name="motif")[0]["value"] == "Hors zone"
    assert elements.find("input", name="date_rdv")[0]["value"] == ""


def test_the_ack_page_shows_who_sends_and_the_minimal_youth_data() -> None:
    html = render_page("ack", page_context("ack", "full"))
    for expected in (
        "Nord (59)",
        "Maëlys D.",
        "16 ans",
        "mercredi 12 mai 2027",
        "Lille (59350)",
        "Logement",
        "Ressources",
        "p.martin@lenord.fr",
        "03 20 12 34 56",
        "MECS Les Tilleuls",
    ):
        assert expected in html
    assert "Dupont" not in html


@pytest.mark.parametrize("variant", ["minimal", "absent"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_youths_own_contact_appears_only_with_consent(kind: str, variant: str) -> None:
    consented = render_page("ack", page_context("ack", "full", kind))
    assert 'href="tel:+33612345678"' in consented and "maelys.jeune@example.org" in consented

    html = render_page("ack", page_context("ack", variant, kind))
    assert "avec son accord" not in html and "tel:+336" not in html


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_interview_page_shows_the_interview(kind: str) -> None:
    html = render_page("ack", page_context("ack", "full", kind))
    assert ("lundi 4 mai 2026 à 14 h 30" in html) == (kind == "entretien")
    assert ("MDS Lille-Sud" in html) == (kind == "entretien")


@pytest.mark.parametrize("reponse", ["accepte", "refuse", "non_competent"])
def test_the_confirmation_page_repeats_the_answer_and_how_to_change_it(reponse: str) -> None:
    context = page_context("ack_done", "full")
    context["answer"]["reponse"] = reponse
    html = render_page("ack_done", context)
    elements = Elements(html)
    assert elements.find("div", role="status")
    assert ("réorienter" in html) == (reponse == "non_competent")
    assert "mercredi 1er juillet 2026" in html and "dimanche 10 mai 2026" in html
    assert elements.find("a", href="")  # back to the same link (GET shows the form)
    assert "ase@lenord.fr" in html


def test_the_not_found_page_is_the_same_whatever_the_context() -> None:
    bare = render_page("not_found", {})
    assert render_page("not_found", page_context("ack", "full")) == bare
    assert "Nord" not in bare and "Maëlys" not in bare


def test_the_expired_page_gives_the_department_contact() -> None:
    html = render_page("expired", page_context("expired"))
    assert 'href="mailto:ase@lenord.fr"' in html and "Nord (59)" in html and "expiré" in html


def test_the_error_page_shows_the_message_or_a_generic_one() -> None:
    assert "Le formulaire a expiré." in render_page("error", page_context("error"))
    assert "Réessayez" in render_page("error", {})


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", PAGES)
def test_every_value_is_escaped_in_every_page(name: str, kind: str, payload: str) -> None:
    context = poison(page_context(name, "full", kind), payload)
    context["kind"] = kind
    html = render_page(name, context)
    assert "<script" not in html and "<img" not in html
    if name != "not_found":
        assert "&lt;script&gt;" in html or "&#34;&gt;&lt;img" in html


def test_a_poisoned_form_action_cannot_break_out_of_its_attribute() -> None:
    context = {**page_context("ack"), "form_action": XSS[1]}
    html = render_page("ack", context)
    assert "<img" not in html and 'action="&#34;&gt;&lt;img' in html

"""GSM-7: the alphabet, transliteration character by character, septet length."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.messages.sms import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SMS_MAX,
    SMS_SENDER_MAX,
    gsm7_length,
    is_gsm7,
    to_gsm7,
)

# SPEC §7 and the usual French typography.
TRANSLITERATED = [
    ("â", "a"),
    ("ê", "e"),
    ("î", "i"),
    ("ô", "o"),
    ("û", "u"),
    ("ç", "c"),
    ("œ", "oe"),
    ("Œ", "OE"),
    ("«", '"'),
    ("»", '"'),
    ("’", "'"),
    ("‘", "'"),
    ("ë", "e"),
    ("ï", "i"),
    ("ÿ", "y"),
    ("Â", "A"),
    ("Ê", "E"),
    ("Î", "I"),
    ("Ô", "O"),
    ("Û", "U"),
    ("À", "A"),
    ("È", "E"),
    ("Ë", "E"),
    ("Ï", "I"),
    ("Ù", "U"),
    ("Ÿ", "Y"),
    ("“", '"'),
    ("”", '"'),
    ("–", "-"),
    ("—", "-"),
    ("…", "..."),
    ("°", "o"),
    ("á", "a"),
    ("í", "i"),
    ("ó", "o"),
    ("ú", "u"),
    ("ã", "a"),
    ("õ", "o"),
    ("ş", "s"),
    ("ﬁ", "fi"),
    ("²", "2"),
    ("½", "1/2"),
    ("`", "'"),
]
# In the GSM 03.38 basic set or extension table: kept as they are.
KEPT = list("éèùìòàÉÇØøÅåÄÖÑÜäöñüßÆæ¿¡§£¥¤ΔΦΓΛΩΠΨΣΘΞ@$_!\"#%&'()*+,-./:;<=>?€[]{}|~^\\")


def test_the_basic_set_has_127_characters_and_the_extension_table_10() -> None:
    assert len(GSM7_BASIC) == 127 and len(GSM7_EXTENSION) == 10
    assert "ç" not in GSM7_BASIC and "Ç" in GSM7_BASIC
    assert SMS_MAX == 306 and SMS_SENDER_MAX == 11


@pytest.mark.parametrize(("char", "expected"), TRANSLITERATED)
def test_french_letters_outside_gsm7_are_transliterated(char: str, expected: str) -> None:
    assert to_gsm7(f"x{char}x") == f"x{expected}x"


@pytest.mark.parametrize("char", KEPT)
def test_gsm7_characters_are_kept(char: str) -> None:
    assert to_gsm7(f"x{char}x") == f"x{char}x"


@pytest.mark.parametrize("char", ["中", "😀", "ж", "α", "\ue000", "\ud800", "\u0378"])
def test_characters_with_no_close_gsm7_form_become_a_question_mark(char: str) -> None:
    assert to_gsm7(f"a{char}b") == "a?b"


def test_a_french_sentence() -> None:
    text = "Léa, née à Châteauroux, « prête » pour l’été — Noël ! Cœur & Âme"
    assert to_gsm7(text) == 'Léa, née à Chateauroux, "prete" pour l\'été - Noel ! Coeur & Ame'


def test_decomposed_accents_are_recomposed_first() -> None:
    assert to_gsm7("e\u0301te\u0302") == "éte"


def test_controls_and_invisible_characters_are_removed() -> None:
    assert to_gsm7("a\x00b\x07c\u200bd\u00ade\ufeff") == "abcde"


def test_whitespace_is_collapsed_and_lines_are_trimmed() -> None:
    assert to_gsm7("  a \t\u00a0 b\u202fc \r\n\n\n  d\u2028e\f ") == "a b c\nd e"


def test_is_gsm7() -> None:
    assert is_gsm7("Bonjour à tous @ 10€ {ok}")
    assert not is_gsm7("ça") and not is_gsm7("â") and not is_gsm7("\t")


def test_gsm7_length_counts_extension_characters_twice() -> None:
    assert gsm7_length("abc") == 3
    assert gsm7_length("€") == 2 and gsm7_length("{x}") == 5 and gsm7_length("") == 0
    with pytest.raises(ValueError):
        gsm7_length("ç")


@given(st.text())
def test_any_text_becomes_gsm7(text: str) -> None:
    result = to_gsm7(text)
    assert is_gsm7(result)
    assert gsm7_length(result) >= len(result)


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["Cs", "Co", "Cn", "Zs", "Mn"])))
def test_unusual_categories_become_gsm7_too(text: str) -> None:
    assert is_gsm7(to_gsm7(text))


@given(st.text())
def test_transliteration_is_idempotent(text: str) -> None:
    once = to_gsm7(text)
    assert to_gsm7(once) == once


@given(st.text(alphabet=sorted((GSM7_BASIC | GSM7_EXTENSION) - set(" \n\r\f"))))
def test_text_already_in_gsm7_without_whitespace_is_unchanged(text: str) -> None:
    assert to_gsm7(text) == text

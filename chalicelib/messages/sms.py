"""GSM-7 alphabet (3GPP TS 23.038): transliteration, validation, length in septets. Pure."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SMS_MAX = 306  # two concatenated segments of 153 septets
SMS_SENDER_MAX = 11  # alphanumeric sender id

# The 127 printable characters of the default alphabet (0x1B, the escape, is not a character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")

# French (and a few common) characters outside GSM-7 → closest GSM-7 text. Characters of the basic
# set (é è ù ì ò à É Ç ä ö ü ñ …) are kept as they are.
TRANSLITERATION: dict[str, str] = {
    "â": "a",
    "ê": "e",
    "î": "i",
    "ô": "o",
    "û": "u",
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "ë": "e",
    "ï": "i",
    "ÿ": "y",
    "À": "A",
    "Â": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Ù": "U",
    "Û": "U",
    "Ÿ": "Y",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "’": "'",
    "‘": "'",
    "‚": "'",
    "‛": "'",
    "‹": "'",
    "›": "'",
    "`": "'",
    "´": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "°": "o",
    "⁄": "/",
    "×": "x",
    "÷": "/",
    "ð": "d",
    "Ð": "D",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "Th",
    "ł": "l",
    "Ł": "L",
    "ı": "i",
}

_SPACES = re.compile(r" {2,}")
_GUILLEMET_SPACES = re.compile(r"(«)\s+|\s+(»)")  # « mot » → "mot"


def _is_gsm(ch: str) -> bool:
    return ch in GSM7_BASIC or ch in GSM7_EXTENSION


@lru_cache(maxsize=4096)
def _map_char(ch: str) -> str:
    if ch in "\r\n":
        return "\n"
    if ch.isspace():
        return " "
    if _is_gsm(ch):
        return ch
    if ch in TRANSLITERATION:
        return TRANSLITERATION[ch]
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Mn", "Me"):
        return ""  # controls, zero-width and format characters, stray combining marks
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch:
        parts = [c for c in decomposed if not unicodedata.combining(c)]
        mapped = "".join(_map_simple(c) for c in parts)
        if parts and "\x00" not in mapped:
            return mapped
    return "?"


def _map_simple(ch: str) -> str:
    """One character of a compatibility decomposition, or NUL when it has no GSM-7 form."""
    if ch.isspace():
        return " "
    if _is_gsm(ch):
        return ch
    return TRANSLITERATION.get(ch, "\x00")


def to_gsm7(text: str) -> str:
    """``text`` with every character in GSM-7: transliterated, whitespace collapsed.

    Runs of spaces become one space, each line is trimmed, empty lines are dropped; the spaces
    inside French guillemets go with them (« mot » → "mot").
    """
    normalized = _GUILLEMET_SPACES.sub(r"\1\2", unicodedata.normalize("NFC", text))
    mapped = "".join(_map_char(ch) for ch in normalized)
    lines = (_SPACES.sub(" ", line).strip() for line in mapped.split("\n"))
    return "\n".join(line for line in lines if line)


def is_gsm7(text: str) -> bool:
    """True when every character is in the basic set or the extension table."""
    return all(_is_gsm(ch) for ch in text)


def gsm7_length(text: str) -> int:
    """Length in septets (extension characters count two). Raises ValueError on non-GSM-7 text."""
    length = 0
    for ch in text:
        if ch in GSM7_BASIC:
            length += 1
        elif ch in GSM7_EXTENSION:
            length += 2
        else:
            raise ValueError(f"caractère hors GSM-7 : U+{ord(ch):04X}")
    return length


def shorten_first_name(prenom: str, over: int) -> str:
    """``prenom`` (GSM-7) at least ``over`` septets shorter, marked by a final "." (SPEC §7: a
    first name too long for two segments is shortened, never a reason for the SMS to fail);
    never less than its first letter."""
    kept = list(prenom.rstrip(".").rstrip())
    to_drop = over + 1  # the "."
    while len(kept) > 1 and to_drop > 0:
        to_drop -= 2 if kept.pop() in GSM7_EXTENSION else 1
    return "".join(kept).rstrip(" -'") + "."


class SmsTooLongError(ValueError):
    """The SMS exceeds SMS_MAX septets even in its most compact form."""

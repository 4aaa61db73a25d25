"""Phone numbers as departments' spreadsheets write them → E.164 (SPEC §5.1 "Phones"). Pure.

National numbers (``0…``) are read by their prefix first, whatever the department: ``0690``/``0691``
Guadeloupe (+590), ``0696``/``0697`` Martinique (+596), ``0694`` Guyane (+594), ``0692``/``0693``
La Réunion (+262), ``0639`` Mayotte (+262, never +269, the Comoros), and the matching landlines
(``0590``, ``0596``, ``0594``, ``0262``/``0263``, ``0269``). Any other national number is read as
metropolitan (+33), then with the department's own region, then with every overseas region (for the
newer ``0709…`` ranges). So a metropolitan ``06`` number stays +33 in La Réunion.

Also repaired: Excel's lost leading zero (``612345678``, also a numeric cell ``612345678.0``), a
lost ``+`` (``33612345678``), ``0033``, ``+33 (0)6…``, and +33/+269 written before an overseas
number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from chalicelib.domain import geo
from chalicelib.tabular import cell_text

MAX_CHARS = 40
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_TRUNK_ZERO = re.compile(r"^(\+|00)(\d{2,3})\s*\(0\)")
_SEPARATORS = re.compile(r"[\s.\-/()\u2010\u2011\u2012\u2013]+")


class InvalidPhoneError(ValueError):
    """The cell is not a valid phone number. The message never contains the number."""


@dataclass(frozen=True)
class Phone:
    e164: str
    mobile: bool


def normalize_phone(raw: object, department: str) -> Phone:
    """``"06 12 34 56 78"`` → ``Phone("+33612345678", mobile=True)``, else ``InvalidPhoneError``."""
    return _normalize(cell_text(raw), department)


@lru_cache(maxsize=4096)  # a referent's or a partner's number repeats over many rows
def _normalize(text: str, department: str) -> Phone:
    if not text:
        raise InvalidPhoneError("Numéro de téléphone vide.")
    if len(text) > MAX_CHARS:
        raise InvalidPhoneError(f"Numéro de téléphone trop long (plus de {MAX_CHARS} caractères).")
    if "(" in text:
        text = _TRUNK_ZERO.sub(r"\1\2", text)  # "+33 (0)6 …"
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = compact.removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidPhoneError("Numéro de téléphone invalide : chiffres attendus.")
    if compact.startswith("+"):
        number = _international(compact)
    elif digits.startswith("0"):
        number = _national(digits, department)
    elif len(digits) == 9:
        number = _national("0" + digits, department)  # Excel dropped the leading zero
    elif digits.startswith(("33", *geo.OVERSEAS_CALLING_CODES)) and len(digits) >= 11:
        number = _international("+" + digits)  # Excel dropped the "+"
    else:
        number = None
    if number is None:
        raise InvalidPhoneError("Numéro de téléphone invalide.")
    parsed, kind = number
    return Phone(phonenumbers.format_number(parsed, PhoneNumberFormat.E164), kind in _MOBILE_TYPES)


Typed = tuple[phonenumbers.PhoneNumber, int]  # a valid number and its type (mobile, fixed…)
MOBILE = phonenumbers.PhoneNumberType.MOBILE
_FR_METADATA: Any = phonenumbers.PhoneMetadata.metadata_for_region("FR")
_FR_MOBILE = re.compile(str(_FR_METADATA.mobile.national_number_pattern))


def _international(text: str) -> Typed | None:
    number = _parse(text, None)
    if number is not None:
        return number
    try:
        loose = phonenumbers.parse(text, None)
    except NumberParseException:
        return None
    national = str(loose.national_number)
    if loose.country_code == 33 or (
        loose.country_code == 269 and national.startswith(("639", "269"))
    ):
        # "+33 690…" (national habit) or "+269 639…" (Mayotte's pre-2007 code): read the prefix
        return _national("0" + national, "")
    return None


def _national(digits: str, department: str) -> Typed | None:
    region = geo.PHONE_PREFIX_REGIONS.get(digits[:4])
    if region is not None:
        return _parse(digits, region)
    if len(digits) == 10 and _FR_MOBILE.fullmatch(digits[1:]):
        # the common case, without phonenumbers' parser: the same metadata pattern it would use
        return phonenumbers.PhoneNumber(country_code=33, national_number=int(digits[1:])), MOBILE
    home = geo.phone_region_of(department)
    candidates = dict.fromkeys((geo.METROPOLITAN_PHONE_REGION, home, *geo.OVERSEAS_PHONE_REGIONS))
    for candidate in candidates:
        number = _parse(digits, candidate)
        if number is not None:
            return number
    return None


def _parse(text: str, region: str | None) -> Typed | None:
    """The number and its type when valid. Valid means a known type in the number's region (what
    ``is_valid_number`` checks): classifying once costs as much as parsing."""
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    kind = phonenumbers.number_type(number)
    return None if kind == phonenumbers.PhoneNumberType.UNKNOWN else (number, kind)

"""INSEE commune codes (code officiel géographique): validation and normalisation. Pure.

Accepted: 5 characters, the department (``01``–``95`` except ``20``, ``2A``/``2B`` for Corsica)
followed by the commune number; overseas departments ``971``–``974`` and ``976`` followed by two
digits within the department's numbering; Paris ``75056`` and its arrondissements
``75101``–``75120``, Lyon ``69123`` and ``69381``–``69389``, Marseille ``13055`` and
``13201``–``13216``. Excel's loss of a leading zero (``1001`` for ``01001``) is repaired.

Rejected as out of scope: Saint-Pierre-et-Miquelon (``975``), Saint-Barthélemy (``977``),
Saint-Martin (``978``) and the other overseas collectivities (``98x``): they are not departments
(see ``geo.is_department_code``).

A postal code given instead (``75015``, ``20000``, ``59000``, ``97400``…) is recognised when it
cannot be an INSEE code and reported with the code ``postal_code``. Some codes are both a valid
INSEE code and a postal code (``13001`` is Aix-en-Provence and Marseille 1er; ``69003`` is
Albigny-sur-Saône and Lyon 3e): they are accepted, and ``postal_code_note`` says so for a warning.
"""

from __future__ import annotations

import re

from chalicelib.domain import geo
from chalicelib.tabular import cell_text

INVALID = "invalid_insee"
POSTAL = "postal_code"

_SHAPE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_PARIS_ARRONDISSEMENTS = range(75101, 75121)
_LYON_ARRONDISSEMENTS = range(69381, 69390)
_MARSEILLE_ARRONDISSEMENTS = range(13201, 13217)
_PARIS_POSTAL = {f"750{n:02d}" for n in range(1, 21)}  # 75116 is also INSEE (16e)
_AMBIGUOUS = {
    **{f"130{n:02d}": "Marseille" for n in range(1, 17)},
    **{f"6900{n}": "Lyon" for n in range(1, 10)},
}


class InvalidInseeError(ValueError):
    """``code`` is ``invalid_insee`` or ``postal_code``; ``message`` is French, value-free."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def normalize_insee(raw: object) -> str:
    """The INSEE code in canonical form (uppercase ``2A``/``2B``), or ``InvalidInseeError``."""
    text = "".join(cell_text(raw).split()).upper()
    if len(text) == 4 and text.isdigit():
        text = "0" + text  # Excel turned "01001" into the number 1001
    _check_shape(text)
    if text.startswith("97"):
        return _overseas(text)
    if text.startswith("20"):
        raise _postal("les communes de Corse ont un code INSEE commençant par 2A ou 2B")
    if text.startswith(("00", "96")):
        raise InvalidInseeError(INVALID, "Code INSEE invalide : département inexistant.")
    if text.startswith(("2A", "2B")):
        if text.endswith("000"):
            raise InvalidInseeError(
                INVALID, "Code INSEE invalide : aucune commune n'a le numéro 000."
            )
        return text
    if text in geo.CITIES_BY_ARRONDISSEMENT:
        return text
    return _mainland(text)


def _check_shape(text: str) -> None:
    """Five characters of a French commune: not a foreign country, not a collectivity."""
    if not _SHAPE.match(text):
        raise InvalidInseeError(
            INVALID,
            "Code INSEE invalide : 5 caractères attendus (chiffres, ou 2A/2B pour la Corse).",
        )
    if text.startswith("99"):
        raise InvalidInseeError(
            INVALID, "Code INSEE invalide : code de pays étranger, pas de commune."
        )
    if text.startswith(tuple(geo.OUTSIDE_DEPARTMENTS)):
        raise InvalidInseeError(
            INVALID,
            "Code INSEE hors périmètre : collectivité d'outre-mer qui n'est pas un département.",
        )


def _mainland(text: str) -> str:
    """A mainland code (Paris, Lyon and Marseille by arrondissement), or a postal code's hint."""
    number = int(text)
    if text.startswith("75"):
        if number in _PARIS_ARRONDISSEMENTS:
            return text
        if text in _PARIS_POSTAL or text.endswith("000"):
            raise _postal("à Paris, 75056 ou l'arrondissement 75101 à 75120")
        raise InvalidInseeError(
            INVALID, "Code INSEE invalide : à Paris, 75056 ou l'arrondissement 75101 à 75120."
        )
    if number in _LYON_ARRONDISSEMENTS or number in _MARSEILLE_ARRONDISSEMENTS:
        return text
    if text.endswith("000"):
        raise _postal("aucune commune n'a le numéro 000")
    return text


def postal_code_note(code: str) -> str | None:
    """For a valid code that is also a postal code of Marseille or Lyon, the city it may mean."""
    return _AMBIGUOUS.get(code)


def _overseas(text: str) -> str:
    communes = geo.overseas_communes(text[:3])
    if communes is None:
        raise InvalidInseeError(INVALID, "Code INSEE invalide : département inexistant.")
    if int(text[3:]) in communes:
        return text
    if text.endswith("0"):
        raise _postal("outre-mer, le code INSEE est 97x suivi du numéro de la commune")
    raise InvalidInseeError(INVALID, "Code INSEE invalide : commune d'outre-mer inexistante.")


def _postal(hint: str) -> InvalidInseeError:
    return InvalidInseeError(POSTAL, f"Code postal au lieu du code INSEE ({hint}).")

"""Cell validators shared by the roster and directory parsers, and a per-row error collector. Pure.

Each validator takes a non-empty cell (emptiness is the caller's ``required`` decision) and returns
the normalised value or raises ``CellError(code, message)``. Messages are French and never quote the
cell: the column and the rule are enough, and the cell may be personal data.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from chalicelib.domain.geo import is_department_code
from chalicelib.domain.youth import MAX_ID, PATHWAY_STATES, RowError, RowWarning
from chalicelib.inputs.insee import InvalidInseeError, normalize_insee
from chalicelib.inputs.phones import InvalidPhoneError, Phone, normalize_phone
from chalicelib.tabular import cell_text, normalize_header
from chalicelib.validation import is_email

T = TypeVar("T")

MAX_NAME = 200
MAX_TEXT = 200
MAX_EMAIL = 320
MAX_CODE = 32
SHOWN_ROWS = 10  # row numbers listed in one message

_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(61, 73051)  # 1900-03-01 … 2099-12-31 (Excel's 1900 leap bug is before)
_YEARS = range(1900, 2100)
_DATE = re.compile(
    r"^(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))"
    r"(?:(?:\s*[T\s]\s*|\s+(?:à|a)\s+)(?P<hh>\d{1,2})\s*[:hH]\s*(?P<mm>\d{2})?(?::\d{2}(?:\.\d+)?)?)?$"
)
_NAME_MARKS = frozenset(" '’ʼ-‐‑")
_TRUE = frozenset({"oui", "o", "1", "x", "true", "yes", "y", "vrai"})
_FALSE = frozenset({"non", "n", "0", "false", "no", "faux"})
_PATHWAY = {
    "securise": PATHWAY_STATES[0],
    "securisee": PATHWAY_STATES[0],
    "encours": PATHWAY_STATES[1],
    "atraiter": PATHWAY_STATES[2],
}
_CANALS = {"email": "email", "mail": "email", "courriel": "email", "sms": "sms", "texto": "sms"}


class CellError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def too_long(limit: int) -> CellError:
    return CellError("too_long", f"Valeur trop longue (plus de {limit} caractères).")


def free_text(value: object, limit: int = MAX_TEXT) -> str:
    """Whitespace (line breaks included) collapsed to single spaces; control characters refused."""
    text = " ".join(cell_text(value).split())
    if len(text) > limit:
        raise too_long(limit)
    if _has(text, ("Cc",)):
        raise CellError("invalid_text", "Caractères de contrôle interdits.")
    return unicodedata.normalize("NFC", text)


def identifier(value: object, limit: int = MAX_ID) -> str:
    text = cell_text(value)
    if len(text) > limit:
        raise too_long(limit)
    if _has(text, ("Cc", "Cf", "Zl", "Zp")):
        raise CellError("invalid_id", "Identifiant invalide : caractères de contrôle interdits.")
    return unicodedata.normalize("NFC", text)


def _has(text: str, categories: tuple[str, ...]) -> bool:
    """Whether a character of ``text`` is of a Unicode category among ``categories`` (control,
    format, line or paragraph separator): a printable text (most cells) has none, checked in C."""
    if text.isprintable():
        return False
    return any(unicodedata.category(ch) in categories for ch in text)


def code(value: object, limit: int = MAX_CODE) -> str:
    """A partner code (UNML code, residence id): trimmed, uppercase, no inner spaces kept."""
    return "".join(identifier(value, limit).split()).upper()


def person_name(value: object) -> str:
    """Any Unicode letter, spaces, apostrophes and hyphens; at least one letter."""
    text = unicodedata.normalize("NFC", " ".join(cell_text(value).split()))
    if len(text) > MAX_NAME:
        raise too_long(MAX_NAME)
    if not any(ch.isalpha() for ch in text) or not all(
        ch.isalpha() or ch in _NAME_MARKS for ch in text
    ):
        raise CellError(
            "invalid_name",
            "Nom invalide : lettres, espaces, apostrophes et traits d'union seulement.",
        )
    return text


def email(value: object) -> str:
    text = cell_text(value)
    if len(text) > MAX_EMAIL:
        raise too_long(MAX_EMAIL)
    text = text.removeprefix("mailto:").strip().lower()
    if not is_email(text):
        raise CellError("invalid_email", "Adresse e-mail invalide.")
    return text


def blank(value: object) -> bool:
    """``cell_text(value) == ""``, faster: this runs for every cell of every row."""
    if value is None:
        return True
    if isinstance(value, str):
        return not (value.strip() if value.isascii() else cell_text(value))
    return False


def flag(value: object) -> bool:
    """oui/non, o/n, 1/0, x/vide, true/false, yes/no, vrai/faux (case and accents ignored)."""
    return _flag(cell_text(value))


@lru_cache(maxsize=256)  # a few spellings repeat over every row
def _flag(text: str) -> bool:
    key = normalize_header(text)
    if key in _TRUE:
        return True
    if key in _FALSE or not text:
        return False
    raise CellError("invalid_flag", "Valeur attendue : oui ou non (ou o/n, 1/0, x/vide).")


def pathway_state(value: object) -> str:
    """``Sécurisé`` → ``securise``, ``En cours`` → ``en_cours``, ``À traiter`` → ``a_traiter``."""
    return _pathway_state(cell_text(value))


@lru_cache(maxsize=256)
def _pathway_state(text: str) -> str:
    state = _PATHWAY.get(normalize_header(text))
    if state is None:
        raise CellError(
            "invalid_pathway", "Valeur attendue : sécurisé, en cours, à traiter, ou vide (inconnu)."
        )
    return state


def canal(value: object) -> str:
    key = normalize_header(cell_text(value))
    if not key:
        return "email"
    if key not in _CANALS:
        raise CellError("invalid_canal", "Canal attendu : email ou sms.")
    return _CANALS[key]


def insee(value: object) -> str:
    try:
        return normalize_insee(value)
    except InvalidInseeError as error:
        raise CellError(error.code, error.message) from None


def phone_reader(department: str) -> Callable[[object], Phone]:
    """A validator reading phones with ``department``'s region (see ``roster.phones``)."""

    def read(value: object) -> Phone:
        try:
            return normalize_phone(value, department)
        except InvalidPhoneError as error:
            raise CellError("invalid_phone", str(error)) from None

    return read


def department_code(value: object) -> str:
    """``59``, ``2A``, ``974``; Excel's ``1`` for ``01`` is repaired."""
    text = "".join(cell_text(value).split()).upper()
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    if not is_department_code(text):
        raise CellError("invalid_department", "Code département invalide (ex. 59, 2A, 974).")
    return text


def day(value: object) -> date:
    """``JJ/MM/AAAA``, ``AAAA-MM-JJ`` or an Excel date cell (a time part is ignored)."""
    return _date_time(value)[0]


def day_and_time(value: object) -> str:
    """``"YYYY-MM-DD"``, or ``"YYYY-MM-DDTHH:MM"`` when a time is given (``14:30``, ``14h30``)."""
    moment, clock = _date_time(value)
    if clock is None:
        return moment.isoformat()
    return f"{moment.isoformat()}T{clock[0]:02d}:{clock[1]:02d}"


def _date_time(value: object) -> tuple[date, tuple[int, int] | None]:
    invalid = CellError(
        "invalid_date", "Date invalide : JJ/MM/AAAA, AAAA-MM-JJ (heure HH:MM facultative) attendu."
    )
    if isinstance(value, datetime):
        clock = (value.hour, value.minute) if (value.hour, value.minute) != (0, 0) else None
        moment = value.date()
    elif isinstance(value, date):
        moment, clock = value, None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value) or int(value) not in _EXCEL_SERIALS:
            raise invalid
        moment = _EXCEL_EPOCH + timedelta(days=int(value))
        minutes = round((value - int(value)) * 24 * 60)
        clock = divmod(minutes, 60) if 0 < minutes < 24 * 60 else None
    else:
        match = _DATE.match(cell_text(value))
        if match is None:
            raise invalid
        parts = match.groupdict()
        year, month, dd = (
            (parts["y"], parts["m"], parts["d"])
            if parts["y"]
            else (parts["iy"], parts["im"], parts["id"])
        )
        try:
            moment = date(int(year), int(month), int(dd))
        except ValueError:
            raise invalid from None
        clock = None
        if parts["hh"] is not None:
            hour, minute = int(parts["hh"]), int(parts["mm"] or 0)
            if hour > 23 or minute > 59:
                raise invalid
            clock = (hour, minute) if (hour, minute) != (0, 0) else None
    if moment.year not in _YEARS:
        raise invalid
    return moment, clock


MEMO_SIZE = 100_000  # distinct values kept per file
# Only short texts are kept: the values that repeat (communes, flags, states, referent emails,
# dates) are short, and a file of long unique values (1,000-character cells) would otherwise
# hold hundreds of MB in the memo
MEMO_TEXT_CHARS = 64
Outcome = tuple[object, "CellError | None"]
Memo = dict[tuple[Callable[[object], object], type, object], Outcome]
_BLANK = CellError("blank", "Valeur vide.")  # the outcome of an empty cell: the caller decides


def _memo_worthy(value: object) -> bool:
    return value.__class__ is not str or len(value) <= MEMO_TEXT_CHARS  # type: ignore[arg-type]


class RowFields:
    """The cells of one row, read by canonical column, collecting every error of the row."""

    def __init__(
        self,
        columns: dict[str, int],
        number: int,
        cells: list[object],
        memo: Memo | None = None,
    ) -> None:
        self.columns = columns
        self.number = number
        self.cells = cells
        self.memo = memo  # shared by the rows of one file: see ``parsed``
        self.errors: list[tuple[str, str, str]] = []  # (column, code, message)
        self.warnings: list[tuple[str, str, str]] = []

    def has(self, column: str) -> bool:
        return column in self.columns

    def raw(self, column: str) -> object:
        index = self.columns.get(column)
        return None if index is None else self.cells[index]

    def filled(self, column: str) -> bool:
        return bool(cell_text(self.raw(column)))

    def add(self, column: str, code_: str, message: str) -> None:
        self.errors.append((column, code_, message))

    def get(self, column: str, parse: Callable[[object], T], *, required: bool = False) -> T | None:
        """``parse(cell)``; None when empty (an error if ``required``) or invalid (error added)."""
        index = self.columns.get(column)
        result, error = self.parsed(None if index is None else self.cells[index], parse)
        if error is _BLANK:
            if required:
                self.add(column, "required", "Valeur obligatoire manquante.")
        elif error is not None:
            self.add(column, error.code, error.message)
        return result

    def optional(self, column: str, parse: Callable[[object], T]) -> T | None:
        """An optional value: a bad one is dropped with a warning, the row is kept."""
        index = self.columns.get(column)
        if index is None:
            return None
        value, memo = self.cells[index], self.memo
        # ``parsed``'s memo read inlined: this runs for every optional cell of every row
        found = None if memo is None else memo.get((parse, value.__class__, value))
        result, error = self.parsed(value, parse) if found is None else found
        if error is not None and error is not _BLANK:
            self.warnings.append((column, error.code, f"{error.message} {DROPPED}"))
        return result  # type: ignore[return-value]  # the memo's outcome of this ``parse``

    def parsed(
        self, value: object, parse: Callable[[object], T]
    ) -> tuple[T | None, CellError | None]:
        """``(parse(value), None)``, ``(None, error)``, or ``(None, _BLANK)`` for an empty cell.
        A file repeats most of its values (communes, referents, flags, pathway states, names,
        empty cells): with a ``memo``, each distinct one is read once per file (the validators
        are pure), up to ``MEMO_SIZE`` of them. Keyed by type too: 1, 1.0 and True are equal
        but read "1", "1" and "true"."""
        memo = self.memo
        key = (parse, value.__class__, value)
        if memo is not None and (found := memo.get(key)) is not None:
            # stored below from the same ``parse``: the result has its type
            return found  # type: ignore[return-value]
        outcome = _outcome(value, parse)
        if memo is not None and len(memo) < MEMO_SIZE and _memo_worthy(value):
            memo[key] = outcome
        return outcome

    def row_errors(self, key: str | None) -> list[RowError]:
        ordered = sorted(self.errors, key=lambda error: self.columns.get(error[0], -1))
        return [RowError(self.number, key, col, code_, msg) for col, code_, msg in ordered]

    def row_warnings(self) -> list[RowWarning]:
        return [RowWarning(self.number, col, code_, msg) for col, code_, msg in self.warnings]


DROPPED = "Valeur ignorée : la ligne est gardée sans elle."


def _outcome(value: object, parse: Callable[[object], T]) -> tuple[T | None, CellError | None]:
    if blank(value):
        return None, _BLANK
    try:
        return parse(value), None
    except CellError as error:  # kept in the memo: without its traceback (frames, values)
        return None, error.with_traceback(None)

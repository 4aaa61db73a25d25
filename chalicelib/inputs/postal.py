"""A postal code given instead of an INSEE code → the INSEE code(s) it may mean (SPEC §5.2). Pure.

What we know, and its limits:

* Paris, Lyon and Marseille: each postal code is one arrondissement (75001–75020 → 75101–75120,
  75116 being both; 69001–69009 → 69381–69389; 13001–13016 → 13201–13216). Exact.
* Elsewhere, ``lookup`` answers: La Poste's postal code base when the operator loaded it
  (SPEC §5.4, every postal code and its communes, ``store.directory.DirectorySnapshot``); before
  that, only the missions locales' own addresses in the UNML coverage file (``Code Postal ML`` +
  ``Ville ML``, matched to a commune of the same name in the same department, built here by
  ``index_from_addresses``). A postal code nobody knows gets no suggestion: the message then says
  where to find the INSEE code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from chalicelib.domain import geo
from chalicelib.headers import normalize_header

Candidate = tuple[str, str]  # (INSEE code, commune name)
Lookup = Callable[[str], Sequence[Candidate]]
WHERE_TO_LOOK = "le code INSEE figure sur insee.fr (« code officiel géographique »)"
_CITIES = (("750", 75100, 20, "Paris"), ("6900", 69380, 9, "Lyon"), ("130", 13200, 16, "Marseille"))


def arrondissement(postal: str) -> Candidate | None:
    """``75015`` → ``("75115", "Paris 15e")``; None for any other code."""
    if not (len(postal) == 5 and postal.isdigit()):
        return None
    for prefix, base, count, city in _CITIES:
        if postal.startswith(prefix):
            number = int(postal[len(prefix) :])
            if 1 <= number <= count:
                suffix = "er" if number == 1 else "e"
                return f"{base + number}", f"{city} {number}{suffix}"
    return None


def candidates(postal: str, lookup: Lookup | None = None) -> list[Candidate]:
    found = arrondissement(postal)
    if found is not None:
        return [found]
    return sorted(set(lookup(postal))) if lookup is not None else []


def suggestion(postal: str, lookup: Lookup | None = None) -> str:
    """The sentence appended to a ``postal_code`` message."""
    found = candidates(postal, lookup)
    if not found:
        return f"Nous ne connaissons pas les communes de ce code postal : {WHERE_TO_LOOK}."
    listed = ", ".join(f"{insee} ({name})" for insee, name in found[:10])
    return (
        f"Code INSEE possible : {listed}."
        if len(found) == 1
        else (f"Codes INSEE possibles : {listed}.")
    )


def index_from_addresses(
    addresses: Iterable[tuple[str, str]], communes: Iterable[Candidate]
) -> dict[str, list[Candidate]]:
    """postal code → communes, from (postal code, town) pairs of ML addresses and the coverage's
    (INSEE, name) pairs: a town is matched by name within the postal code's department."""
    by_name: dict[tuple[str, str], set[Candidate]] = {}
    for insee, name in communes:
        by_name.setdefault((_department(insee), normalize_header(name)), set()).add((insee, name))
    index: dict[str, set[Candidate]] = {}
    for postal, town in addresses:
        postal = "".join(postal.split())
        if not (len(postal) == 5 and postal.isdigit()) or arrondissement(postal):
            continue
        for department in geo.departments_of_postal(postal):
            for candidate in by_name.get((department, normalize_header(town)), ()):
                index.setdefault(postal, set()).add(candidate)
    return {postal: sorted(found) for postal, found in index.items()}


def _department(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]

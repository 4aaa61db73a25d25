"""The partner directory in DynamoDB, versioned so a load replaces it atomically for readers.

A load writes its entries under a new version, then flips the pointer item in one write.
Readers read the pointer once and then only that version: a scan running during a load sees the
old directory or the new one, never a mix. The version before the previous one is deleted.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict

from chalicelib.domain import geo
from chalicelib.domain.clock import iso, utcnow
from chalicelib.domain.directory import CoverageEntry, HabitatJeunes, MissionLocale, PostalRow
from chalicelib.store.models import DirectoryItem

POINTER = ("current", "directory")
KINDS = ("ml", "coverage", "hj")  # the partners (the communes base is versioned on its own)
COMMUNES_SK = "base"


def new_version() -> str:
    return iso(utcnow()).replace(":", "").replace("-", "") + "-" + secrets.token_hex(3)


def read_pointer() -> dict:
    try:
        return dict(DirectoryItem.get(*POINTER, consistent_read=True).data.as_dict())
    except DirectoryItem.DoesNotExist:
        return {}


def partition(kind: str, version: str, department: str | None = None) -> str:
    prefix = {"ml": "ml", "coverage": "cov", "hj": "hj", "communes": "com"}[kind]
    return f"{prefix}#{version}" if department is None else f"{prefix}#{version}#{department}"


def write_version(kind: str, version: str, items: Iterable[tuple[str, str, dict]]) -> int:
    count = 0
    with DirectoryItem.batch_write() as batch:
        for pk, sk, data in items:
            batch.save(DirectoryItem(pk, sk, data=data))
            count += 1
    return count


def flip(kind: str, version: str) -> str | None:
    """Point readers at ``version``; return the version that is now two loads old (to delete)."""
    pointer = read_pointer()
    history = list(pointer.get(f"{kind}_history", []))
    pointer[kind] = version
    pointer[f"{kind}_history"] = [version, *history][:3]
    DirectoryItem(*POINTER, data=pointer).save()
    return history[1] if len(history) > 1 else None


def delete_version(kind: str, version: str) -> None:
    keys: list[tuple[str, str]] = []
    if kind == "ml":
        keys = [(i.pk, i.sk) for i in DirectoryItem.query(partition("ml", version))]
    else:
        for department in _departments():
            pk = partition(kind, version, department)
            keys.extend(
                (i.pk, i.sk) for i in DirectoryItem.query(pk, attributes_to_get=["pk", "sk"])
            )
    with DirectoryItem.batch_write() as batch:
        for pk, sk in keys:
            batch.delete(DirectoryItem(pk, sk))


def _departments() -> list[str]:
    codes = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    return codes + list(geo.OVERSEAS)


def ml_items(version: str, entries: Sequence[MissionLocale]) -> Iterable[tuple[str, str, dict]]:
    for entry in entries:
        yield partition("ml", version), entry.code_ml, asdict(entry)


def coverage_items(version: str, entries: Sequence[CoverageEntry]) -> Iterable[tuple]:
    for entry in entries:
        department = geo.department_of_commune(entry.insee)
        data = asdict(entry)
        data["code_mls"] = list(entry.code_mls)
        data["postal_codes"] = list(entry.postal_codes)
        yield partition("coverage", version, department), entry.insee, data


def hj_items(version: str, entries: Sequence[HabitatJeunes]) -> Iterable[tuple]:
    for entry in entries:
        data = asdict(entry)
        data["communes"] = sorted(entry.communes)
        yield partition("hj", version, entry.departement), entry.id, data


def communes_items(version: str, rows: Sequence[PostalRow]) -> Iterable[tuple]:
    """One item per department: its lines of La Poste's base as ``;``-joined text (~100 items
    for the whole base, each well under DynamoDB's 400 KB; a roster's resolution reads one)."""
    by_department: dict[str, list[str]] = {}
    for row in rows:
        department = geo.department_of_commune(row.insee)
        by_department.setdefault(department, []).append(";".join(row))
    for department, lines in sorted(by_department.items()):
        yield partition("communes", version, department), COMMUNES_SK, {"rows": "\n".join(lines)}


class DirectorySnapshot:
    """A read view of one directory version (implements routing's ``DirectoryView``).

    Reads lazily, one Query per department and kind, cached for the life of the snapshot.
    """

    def __init__(self, pointer: dict | None = None) -> None:
        self.pointer = read_pointer() if pointer is None else pointer
        self._ml: dict[str, MissionLocale] | None = None
        self._coverage: dict[str, dict[str, CoverageEntry]] = {}
        self._hj: dict[str, list[HabitatJeunes]] = {}
        self._communes: dict[str, list[PostalRow]] = {}

    def _version(self, kind: str) -> str | None:
        return self.pointer.get(kind)

    def version(self) -> str:
        """One string naming this directory (all three parts)."""
        return "/".join(self.pointer.get(kind) or "-" for kind in KINDS)

    def mission_locale(self, code_ml: str) -> MissionLocale | None:
        if self._ml is None:
            version = self._version("ml")
            self._ml = {}
            if version:
                for item in DirectoryItem.query(partition("ml", version)):
                    self._ml[item.sk] = MissionLocale(**item.data.as_dict())
        return self._ml.get(code_ml)

    def known_ml_codes(self) -> set[str]:
        self.mission_locale("")
        return set(self._ml or {})

    def ml_codes_of_department(self, department: str) -> set[str]:
        """Every mission locale covering a commune of ``department``."""
        self.coverage(f"{department}000" if len(department) == 2 else f"{department}00")
        return {
            code for entry in self._coverage.get(department, {}).values() for code in entry.code_mls
        }

    def coverage(self, insee: str) -> CoverageEntry | None:
        department = geo.department_of_commune(insee)
        if department not in self._coverage:
            version = self._version("coverage")
            found: dict[str, CoverageEntry] = {}
            if version:
                for item in DirectoryItem.query(partition("coverage", version, department)):
                    data = item.data.as_dict()
                    data["code_mls"] = tuple(data["code_mls"])
                    data["postal_codes"] = tuple(data.get("postal_codes") or ())
                    found[item.sk] = CoverageEntry(**data)
            self._coverage[department] = found
        return self._coverage[department].get(insee)

    def postal_communes(self, code: str) -> list[tuple[str, str]]:
        """(INSEE, name) of the communes a postal code may mean (``inputs.postal``): La Poste's
        base when loaded, else what the coverage file tells (the missions locales' addresses)."""
        found: set[tuple[str, str]] = set()
        for department in geo.departments_of_postal(code):
            self.coverage(f"{department}000")  # loads (and caches) the department's communes
            entries = self._coverage.get(department, {})
            if self.has_communes():
                for row in self.postal_rows(department):
                    if row.postal == code:
                        entry = entries.get(row.insee)
                        found.add((row.insee, entry.nom_commune if entry else row.name))
            else:
                found.update(
                    (e.insee, e.nom_commune) for e in entries.values() if code in e.postal_codes
                )
        return sorted(found)

    def habitat_jeunes_of_department(self, department: str) -> Sequence[HabitatJeunes]:
        if department not in self._hj:
            version = self._version("hj")
            found: list[HabitatJeunes] = []
            if version:
                for item in DirectoryItem.query(partition("hj", version, department)):
                    data = item.data.as_dict()
                    data["communes"] = frozenset(data.get("communes") or [])
                    found.append(HabitatJeunes(**data))
            self._hj[department] = found
        return self._hj[department]

    def postal_rows(self, department: str) -> list[PostalRow]:
        """The department's lines of La Poste's base (SPEC §5.4); [] before any load."""
        if department not in self._communes:
            version = self._version("communes")
            found: list[PostalRow] = []
            if version:
                for item in DirectoryItem.query(partition("communes", version, department)):
                    text = str(item.data.as_dict().get("rows") or "")
                    found.extend(PostalRow(*line.split(";")) for line in text.split("\n") if line)
            self._communes[department] = found
        return self._communes[department]

    def communes_of(self, department: str) -> list[PostalRow]:
        """The department's communes to resolve names with: La Poste's base when loaded, else
        the coverage file's names (with the postal codes it knows)."""
        if self.has_communes():
            return self.postal_rows(department)
        self.coverage(f"{department}000")
        entries = self._coverage.get(department, {}).values()
        return [
            PostalRow(entry.insee, entry.nom_commune, postal, "", entry.nom_commune)
            for entry in entries
            for postal in entry.postal_codes or ("",)
        ]

    def has_communes(self) -> bool:
        return bool(self._version("communes"))

    def commune_name(self, insee: str) -> str | None:
        """A commune's name: the coverage file's, else La Poste's base's, else the city's."""
        if not insee:
            return None
        entry = self.coverage(insee)
        if entry is not None and entry.nom_commune:
            return entry.nom_commune
        for row in self.postal_rows(geo.department_of_commune(insee)):
            if row.insee == insee:
                return row.name
        return geo.commune_name(insee, None)

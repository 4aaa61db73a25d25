"""La Poste's official postal code base (base officielle des codes postaux), the real file.

``tests/data/laposte_hexasmal.csv.gz`` is the base as republished by a public repository
(``laposte_hexasmal.csv``: UTF-8 with BOM, ``Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;
Libellé_d_acheminement;coordonnees_geographiques``, 39,193 lines), gzipped. ``published`` gives
the same lines in the other forms La Poste has published them.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from chalicelib.directory.postal_base import parse_postal_base
from chalicelib.domain import geo
from chalicelib.inputs.communes import CommuneIndex

BASE = Path(__file__).resolve().parents[1] / "data" / "laposte_hexasmal.csv.gz"
ROWS = 39_193  # data lines of the real file
SKIPPED = 267  # lines outside the 101 departments: 98x (261), 975, 977, 978, Monaco (99138)


@cache
def real_base() -> bytes:
    """The real file, exactly as republished."""
    return gzip.decompress(BASE.read_bytes())


def published(form: str) -> bytes:
    """The real lines in one of La Poste's forms:
    ``latin1-hash``: ``#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;
    Ligne_5``, ISO-8859-1, no coordinates (the base's 2020s form);
    ``gps``: UTF-8 without BOM, ``Nom_commune`` and a ``coordonnees_gps`` column."""
    lines = real_base().decode("utf-8-sig").splitlines()[1:]
    if form == "gps":
        header = (
            "Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;"
            "coordonnees_gps"
        )
        return "\n".join([header, *lines]).encode()
    header = "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5"
    moved = []
    for line in lines:
        insee, name, postal, line5, label, *_ = line.split(";")
        moved.append(";".join([insee, name, postal, label, line5]))
    return "\r\n".join([header, *moved]).encode("latin-1")


@cache
def communes_of(department: str) -> CommuneIndex:
    """One department's communes of the real base, as a roster resolves names with them."""
    rows = parse_postal_base(real_base()).items
    return CommuneIndex.of(
        row for row in rows if geo.department_of_commune(row.insee) == department
    )

"""The UNML coverage file, written in the real published file's exact shape (SPEC §5.2, issue 12).

The real ``zones_de_couverture_janvier_2026.csv``: ``;``-separated, UTF-8, LF line ends (SPEC says
with a BOM; both are written here), the 13 columns of ``HEADER`` in that order, one row per
(commune, mission locale). Facts of the real file reproduced here: Saint-Barthélemy (``97701``,
listed under ``Saint Martin(978)``) and Saint-Martin (``97801``) rows, and Saint-Pierre-et-Miquelon
and Pacific rows; Paris, Lyon and Marseille only as arrondissements; Mayotte's mission locale code
``97600``; official names with en dashes (``69–ML RILLIEUX LA PAPE``); addresses padded with spaces;
``Non`` on every row in « Commune présente sur plusieurs ML ». Every name, code and address is
invented (the real file is not copied).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

HEADER = (
    "Code INSEE;Nom Commune;Département Commune;Région Commune;Code Région Commune;Code ML;"
    "Nom Officiel ML;Région ML;Code Région ML;Commune présente sur plusieurs ML;Adresse ML;"
    "Code Postal ML;Ville ML"
)


@dataclass(frozen=True)
class Ml:
    code: str
    name: str  # « Nom Officiel ML », en dash included
    postal: str
    town: str
    department: str  # « Département Commune » style: "Rhône(69)"
    region: str
    region_code: str


@dataclass(frozen=True)
class Row:
    insee: str
    commune: str
    ml: Ml
    department: str | None = None  # when the commune's department label differs from its ML's


def line(row: Row) -> str:
    ml = row.ml
    return ";".join(
        [
            row.insee,
            row.commune,
            row.department or ml.department,
            ml.region,
            ml.region_code,
            ml.code,
            ml.name,
            ml.region,
            ml.region_code,
            "Non",
            f"  {int(ml.code[-3:]) % 90 + 1} rue de la Mission Locale  ",  # padded, as published
            ml.postal,
            ml.town,
        ]
    )


def write(rows: list[Row], *, bom: bool = True) -> bytes:
    text = "\n".join([HEADER, *map(line, rows)]) + "\n"  # LF, as published
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


# --- a sample with every kind of row ------------------------------------------------------------
LILLE = Ml("59010", "59–ML LILLE AVENIR", "59000", "Lille", "Nord(59)", "Hauts-de-France", "32")
ROUBAIX = Ml("59020", "59–ML ROUBAIX", "59100", "Roubaix", "Nord(59)", "Hauts-de-France", "32")
PARIS = Ml("75000", "75–ML DE PARIS", "75011", "Paris", "Paris(75)", "Île-de-France", "11")
LYON = Ml("69010", "69–ML DE LYON", "69003", "Lyon", "Rhône(69)", "Auvergne-Rhône-Alpes", "84")
RILLIEUX = Ml(
    "69020", "69–ML RILLIEUX LA PAPE", "69140", "Rillieux-la-Pape", "Rhône(69)",
    "Auvergne-Rhône-Alpes", "84",
)  # fmt: skip
MARSEILLE_NORD = Ml(
    "13010", "13–ML MARSEILLE NORD", "13015", "Marseille", "Bouches-du-Rhône(13)",
    "Provence-Alpes-Côte d'Azur", "93",
)  # fmt: skip
MARSEILLE_SUD = Ml(
    "13020", "13–ML MARSEILLE SUD", "13008", "Marseille", "Bouches-du-Rhône(13)",
    "Provence-Alpes-Côte d'Azur", "93",
)  # fmt: skip
AJACCIO = Ml(
    "2A010", "2A–ML DU PAYS AJACCIEN", "20000", "Ajaccio", "Corse-du-Sud(2A)", "Corse", "94"
)
MAYOTTE = Ml("97600", "976–ML DE MAYOTTE", "97600", "Mamoudzou", "Mayotte(976)", "Mayotte", "06")
REUNION = Ml("97410", "974–ML NORD RÉUNION", "97400", "Saint-Denis", "La Réunion(974)",
             "La Réunion", "04")  # fmt: skip
GUADELOUPE = Ml("97110", "971–ML DES ÎLES DU NORD", "97150", "Saint-Martin",
                "Guadeloupe(971)", "Guadeloupe", "01")  # fmt: skip
SPM = Ml("97500", "975–ML SAINT-PIERRE", "97500", "Saint-Pierre", "Saint-Pierre-et-Miquelon(975)",
         "Saint-Pierre-et-Miquelon", "05")  # fmt: skip
BRESSE = Ml("01010", "01–ML BRESSE DOMBES", "01000", "Bourg-en-Bresse", "Ain(01)",
            "Auvergne-Rhône-Alpes", "84")  # fmt: skip
SAMPLE_MLS = (BRESSE, LILLE, ROUBAIX, PARIS, LYON, RILLIEUX, MARSEILLE_NORD, MARSEILLE_SUD, AJACCIO,
              MAYOTTE, REUNION, GUADELOUPE, SPM)  # fmt: skip
OUTSIDE_ROWS = ("97701", "97801", "97502", "98735")  # skipped with a warning


def sample_rows() -> list[Row]:
    rows = [
        Row("01053", "Bourg-en-Bresse", BRESSE),
        Row("01004", "Ambérieu-en-Bugey", BRESSE),
        Row("59350", "Lille", LILLE),
        Row("59009", "Villeneuve-d'Ascq", LILLE),
        Row("59512", "Roubaix", ROUBAIX),
        Row("59599", "Tourcoing", ROUBAIX),
        Row("69286", "Rillieux-la-Pape", RILLIEUX),
        Row("2A004", "Ajaccio", AJACCIO),
        Row("97611", "Mamoudzou", MAYOTTE),
        Row("97411", "Saint-Denis", REUNION),
        Row("97101", "Les Abymes", GUADELOUPE),
    ]
    rows += [Row(str(75100 + n), f"Paris {n}e Arrondissement", PARIS) for n in range(1, 21)]
    rows += [
        Row(str(69380 + n), f"Lyon {n}e Arrondissement", LYON if n <= 6 else RILLIEUX)
        for n in range(1, 10)
    ]  # Lyon's arrondissements split between two missions locales
    rows += [
        Row(str(13200 + n), f"Marseille {n}e Arrondissement",
            MARSEILLE_SUD if n in (6, 7, 8, 9, 10, 11, 12) else MARSEILLE_NORD)
        for n in range(1, 17)
    ]  # fmt: skip
    # the end of the real file: communes outside the 101 departments
    rows += [
        Row("97701", "Saint-Barthélemy", GUADELOUPE, department="Saint Martin(978)"),
        Row("97801", "Saint-Martin", GUADELOUPE, department="Saint Martin(978)"),
        Row("97502", "Saint-Pierre", SPM),
        Row("98735", "Papeete", SPM, department="Polynésie française(987)"),
    ]
    return rows


def contacts_csv(mls: tuple[Ml, ...] | list[Ml]) -> bytes:
    """The missions-locales contacts matching these codes (loaded before the coverage)."""
    out = io.StringIO()
    out.write("code_ml;nom;email;telephone;canal\n")
    for ml in mls:
        out.write(f"{ml.code};{ml.name};contact-{ml.code.lower()}@ml.exemple.fr;;email\n")
    return out.getvalue().encode("utf-8")


# --- a national-size file -----------------------------------------------------------------------
_OVERSEAS = {  # department → commune numbers that exist (two digits)
    "971": [n for n in range(1, 35) if n not in (23, 27)],
    "972": list(range(1, 35)),
    "973": [*range(1, 15), 52, 53, 56, 57, 58, 60, 61, 62],
    "974": list(range(1, 25)),
    "976": list(range(1, 18)),
}
PER_DEPARTMENT = 365  # communes a metropolitan department gets here: ~34,500 rows in all


def _departments() -> Iterator[str]:
    for number in range(1, 96):
        if number == 20:
            yield "2A"
            yield "2B"
        elif number not in (75,):
            yield f"{number:02d}"
    yield from _OVERSEAS


def national_rows() -> list[Row]:
    """~35,000 rows: every department with its communes spread over four missions locales,
    Paris/Lyon/Marseille as arrondissements, Mayotte on ``97600``, and the outside rows last."""
    rows: list[Row] = []
    for department in _departments():
        mls = [_national_ml(department, n) for n in range(1, 5)]
        if department in _OVERSEAS:
            numbers = _OVERSEAS[department]
            codes = [f"{department}{n:02d}" for n in numbers]
        else:
            codes = [f"{department}{n:03d}" for n in range(1, PER_DEPARTMENT + 1)]
            if department == "13":  # Marseille is only its arrondissements (13201–13216)
                codes = [code for code in codes if not "13201" <= code <= "13216"]
            codes = [code for code in codes if code not in ("69123", "13055")]
        for index, code in enumerate(codes):
            ml = MAYOTTE if department == "976" else mls[index % len(mls)]
            rows.append(Row(code, f"Commune–{code} sur Rivière", ml))
    rows += [Row(str(75100 + n), f"Paris {n}e Arrondissement", PARIS) for n in range(1, 21)]
    rows += [Row(str(69380 + n), f"Lyon {n}e Arrondissement", LYON) for n in range(1, 10)]
    rows += [Row(str(13200 + n), f"Marseille {n}e Arrondissement", MARSEILLE_NORD)
             for n in range(1, 17)]  # fmt: skip
    rows += [row for row in sample_rows() if row.insee in OUTSIDE_ROWS]
    return rows


def _national_ml(department: str, number: int) -> Ml:
    code = f"{department}{number:03d}" if len(department) == 2 else f"{department}{number:02d}"
    return Ml(
        code, f"{department}–ML DU BASSIN {number}", f"{department[:2]}{number:03d}"[:5],
        f"Ville {number}", f"Département {department}({department})", "Région", "00",
    )  # fmt: skip


def national_mls(rows: list[Row]) -> list[Ml]:
    return list({row.ml.code: row.ml for row in rows}.values())

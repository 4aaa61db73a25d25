"""Fictitious demo data for ``make run``: a directory and the rosters of two departments.

Every name, address and number here is invented. Birth dates are computed from today so that
the demo always has youths due now, later, and out of scope.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

ML_CSV = """code_ml,nom,email,telephone,canal
ML-LIL,Mission locale de Lille (démo),conseil@ml-lille.demo.fr,0320000001,email
ML-RBX,Mission locale de Roubaix (démo),accueil@ml-roubaix.demo.fr,0320000002,email
ML-RUN,Mission locale Nord Réunion (démo),accueil@ml-nord-reunion.demo.re,0692112233,sms
"""

COVERAGE_CSV = (
    "\ufeffCode INSEE;Nom Commune;Code ML;Nom Officiel ML;Commune présente sur plusieurs ML;"
    "Adresse ML;Code postal ML\n"
    "59350;Lille;ML-LIL;Mission locale de Lille (démo);Non;1 place de la Démo;59000\n"
    "59512;Roubaix;ML-RBX;Mission locale de Roubaix (démo);Non;2 rue Fictive;59100\n"
    "59599;Tourcoing;ML-LIL;Mission locale de Lille (démo);Oui;;\n"
    "59599;Tourcoing;ML-RBX;Mission locale de Roubaix (démo);Oui;;\n"
    "97411;Saint-Denis;ML-RUN;Mission locale Nord Réunion (démo);Non;3 rue Imaginaire;97400\n"
    "97415;Saint-Paul;ML-RUN;Mission locale Nord Réunion (démo);Non;;\n"
)

HJ_CSV = """id,nom,email,telephone,canal,departement,communes
HJ-TILLEULS,Résidence Les Tilleuls (démo),accueil@fjt-tilleuls.demo.fr,,email,59,59350 59512
UDHAJ-59,UDHAJ du Nord (démo),contact@udhaj59.demo.fr,,email,59,
UDHAJ-974,URHAJ Réunion (démo),contact@urhaj974.demo.re,,email,974,
"""

# One demo agent per department, signed in through the local OpenID provider (no password).
AGENTS = {
    "59": ("camille.martin@cd59.demo.fr", "Camille", "Martin"),
    "974": ("sacha.payet@cd974.demo.re", "Sacha", "Payet"),
}

DEPARTMENTS = {
    "59": ("Nord (démo)", "ase-orientation@cd59.demo.fr", "03 59 73 00 00"),
    "974": ("La Réunion (démo)", "ase-majorite@cd974.demo.re", "02 62 90 00 00"),
}

COLUMNS = [
    "N° dossier",
    "Nom",
    "Prénom",
    "Né(e) le",
    "Code INSEE",
    "Email référent",
    "Référent nom",
    "Téléphone",
    "Courriel",
    "Consentement",
    "Besoin logement",
    "Date entretien",
    "Lieu entretien",
    "Code ML",
    *(
        PATHWAY_HEADERS := (
            "Parcours ressources",
            "Parcours logement",
            "Parcours emploi",
            "Parcours santé",
            "Parcours droits",
            "Parcours accompagnement",
        )
    ),
    "Lieu d'accueil nom",
    "Lieu d'accueil email",
]


def _born(today: date, years: int, days: int) -> str:
    moment = today + timedelta(days=days)
    try:
        return moment.replace(year=moment.year - years).strftime("%d/%m/%Y")
    except ValueError:
        return moment.replace(year=moment.year - years, day=28).strftime("%d/%m/%Y")


STATES = {"S": "sécurisé", "C": "en cours", "T": "à traiter", "-": ""}


def _pathway(states: str) -> dict[str, str]:
    """``"TTCSCS"`` → the six parcours_* cells (S sécurisé, C en cours, T à traiter, - unknown)."""
    return {header: STATES[state] for header, state in zip(PATHWAY_HEADERS, states, strict=True)}


def roster_rows(code: str, today: date) -> list[dict[str, str]]:
    overseas = code != "59"
    commune_a, commune_b = ("97411", "97415") if overseas else ("59350", "59512")
    shared = "97411" if overseas else "59599"
    referent = "referent.b@cd974.demo.re" if overseas else "referente.a@cd59.demo.fr"
    names = NAMES_974 if overseas else NAMES_59
    interview = (today + timedelta(days=21)).strftime("%d/%m/%Y") + " 14:30"
    base = {"Email référent": referent, "Consentement": "non", "Besoin logement": "non"}
    rows = [
        # due now: 17 in 12 days, housing needed, interview planned, consent given
        {
            "Né(e) le": _born(today, 17, 12),
            "Code INSEE": commune_a,
            "Consentement": "oui",
            "Besoin logement": "oui",
            "Référent nom": "Mme Référente",
            "Téléphone": "0692 45 67 89" if overseas else "06 12 34 56 78",
            "Courriel": f"jeune1.{code}@mail.demo.fr",
            "Date entretien": interview,
            "Lieu entretien": "Maison du département",
            **_pathway("TTCSCS"),
            "Lieu d'accueil nom": "MECS Les Alizés (démo)",
            "Lieu d'accueil email": f"foyer.demo{code}@mecs.demo.fr",
        },
        # catch-up: already 17.5, no consent
        {"Né(e) le": _born(today, 17, -180), "Code INSEE": commune_b, **_pathway("SST---")},
        # turns 18 in 4 months and needs housing: mission locale and habitat jeunes at once
        {
            "Né(e) le": _born(today, 18, 120),
            "Code INSEE": commune_a,
            "Consentement": "oui",
            "Besoin logement": "oui",
            **_pathway("CTC---"),
        },
        # shared commune without code_ml (59): the department is alerted to decide
        {"Né(e) le": _born(today, 17, 5), "Code INSEE": shared},
        # not yet due: 17 in 5 months
        {"Né(e) le": _born(today, 17, 150), "Code INSEE": commune_a},
        # 19 years old: mission locale at once
        {"Né(e) le": _born(today, 19, -40), "Code INSEE": commune_b, **_pathway("SSSSSS")},
    ]
    return [
        {**base, "N° dossier": f"{code}-{n:04d}", "Nom": nom, "Prénom": prenom, **row}
        for n, ((nom, prenom), row) in enumerate(zip(names, rows, strict=True), 1)
    ]


NAMES_59 = [
    ("Durandel", "Inès"),
    ("Martinot", "Yanis"),
    ("Lefebvrier", "Chloé"),
    ("Kouassi-Démo", "Moussa"),
    ("Petitjean", "Léa"),
    ("Bernardin", "Noah"),
]
NAMES_974 = [
    ("Payet-Démo", "Maëlys"),
    ("Hoarau-Démo", "Kylian"),
    ("Grondin-Démo", "Anaïs"),
    ("Técher-Démo", "Enzo"),
    ("Fontaine-Démo", "Lina"),
    ("Rivière-Démo", "Sacha"),
]


def roster_file(code: str, today: date) -> bytes:
    """Department 59 exports like French Excel (``;``, Windows-1252); 974 in UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";" if code == "59" else ",")
    writer.writeheader()
    writer.writerows(roster_rows(code, today))
    text = out.getvalue()
    return text.encode("cp1252") if code == "59" else ("\ufeff" + text).encode("utf-8")

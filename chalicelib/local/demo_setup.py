"""Load the demo through the same code paths as operators and departments, then explain it."""

from __future__ import annotations

import builtins
import functools
from typing import TextIO

from chalicelib import settings
from chalicelib.console import agents
from chalicelib.departments import service as departments
from chalicelib.directory import service as directory
from chalicelib.domain import clock
from chalicelib.domain.clock import utcnow
from chalicelib.local import demo, outbox
from chalicelib.roster import service as roster


def load() -> dict[str, str]:
    keys = {"operator": departments.add_operator("Equipe Relais (démo)")}
    directory.load("missions-locales", demo.ML_CSV.encode(), actor="demo")
    directory.load("coverage", demo.COVERAGE_CSV.encode("utf-8"), actor="demo")
    directory.load("habitat-jeunes", demo.HJ_CSV.encode(), actor="demo")
    for code, (name, email, phone) in demo.DEPARTMENTS.items():
        keys[code] = departments.add(code, name=name, email=email, phone=phone)
        today = clock.local_today(code, utcnow())
        roster.upload(code, demo.roster_file(code, today), actor="demo")
        agents.add(code, demo.AGENTS[code][0], actor="demo")
    return keys


def explain(aws_url: str, keys: dict[str, str], summary: dict, out: TextIO) -> None:
    messages = outbox.fetch()
    api = settings.current().public_base_url
    print = functools.partial(builtins.print, file=out)
    print("\n=== Relais ASE — démonstration locale ===")
    print(f"API : {api}  (GET /health)")
    print(f"AWS embarqué (moto) : {aws_url}")
    print(f"Boîte d'envoi dans un navigateur : {aws_url}/_relais/outbox.html")
    print(
        f"Boîte d'envoi en ligne de commande : AWS_ENDPOINT_URL={aws_url} "
        ".venv/bin/python -m chalicelib.cli outbox"
    )
    print(
        f"Nouvelle liste depuis un autre terminal : AWS_ENDPOINT_URL={aws_url} "
        ".venv/bin/python -m chalicelib.cli roster upload 59 FICHIER.csv\n"
        "  le fichier est la liste complète du département : les jeunes absents en sortent "
        "(au-delà de 20 %, ajoutez --confirm-exits)\n"
        "  l'analyse du département part aussitôt (file SQS) : ses orientations sont dans la "
        "boîte d'envoi en moins d'une minute"
    )
    print(f"\nConsole des départements : {api}/  (« S'identifier avec ProConnect »)")
    print("  fournisseur d'identité local (pas de mot de passe) : cliquez l'adresse de l'agent")
    for code, (email, _, _) in demo.AGENTS.items():
        print(f"  département {code:>3} : {email}")
    print("\nClés d'API (démo) :")
    for owner, key in keys.items():
        print(f"  {owner:>8} : {key}")
    print(f"\nTâches du jour exécutées : {jobs_in_french(summary)}")
    print(f"\n{len(messages)} message(s) envoyé(s) :")
    print(outbox.describe(messages))
    waiting = summary["dispatch"].get("waiting_sms_window", 0)
    if waiting:
        print(f"\n{waiting} SMS attendent la plage d'envoi (08:00–20:00 locales, lundi–samedi).")
    print(
        "\nOuvrez un lien « lien : … » dans un navigateur pour répondre comme un partenaire."
        "\nLes envois, relances et escalades continuent toutes les 30 s. Ctrl-C pour tout arrêter."
    )


def jobs_in_french(summary: dict) -> str:
    """``jobs.run_all``'s summary as a sentence a newcomer reads (the JSON keys stay English)."""
    scan, followups = summary.get("scan") or {}, summary.get("followups") or {}
    sent = sum(
        int((summary.get(step) or {}).get("sent", 0))
        for step in ("dispatch", "dispatch_after_followups")
    )
    parts = [
        f"{scan.get('youths_read', 0)} jeune(s) à traiter lu(s)",
        f"{scan.get('referrals_created', 0)} orientation(s) créée(s)",
        f"{scan.get('no_partner', 0)} sans partenaire compétent",
        f"{sent} message(s) envoyé(s)",
        f"{followups.get('reminder', 0)} relance(s), {followups.get('escalation', 0)} escalade(s)",
        f"{(summary.get('alert_digest') or {}).get('digests', 0)} récapitulatif(s) d'alertes",
    ]
    failed = [
        name for name, value in summary.items() if isinstance(value, dict) and "error" in value
    ]
    if failed:
        parts.append(f"en échec : {', '.join(failed)} (relancé au prochain passage)")
    return " ; ".join(parts) + "."

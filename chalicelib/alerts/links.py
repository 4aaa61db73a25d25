"""Console links that messages carry (SPEC §7: each digest line links to the console).

Paths agreed with the console (issue 14, /work/coord/LOG.md): opaque ids only, never a file
number or a name (SPEC §8: no personal data in URLs).
"""

from __future__ import annotations

from chalicelib import settings

CONSOLE_ALERTS = "/console/alertes"


def alerts_url() -> str:
    return settings.current().public_base_url + CONSOLE_ALERTS


def alert_url(alert_id: str) -> str:
    return f"{alerts_url()}/{alert_id}"

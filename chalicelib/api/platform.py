"""Answers Chalice or API Gateway give before our code runs, rewritten in our French format
(SPEC §4: every error is ``{"error": {"code", "message"}}`` in French, 415 and unknown routes
included). Kept apart from ``api.base``: it runs on every request, so it imports nothing heavy."""

from __future__ import annotations

import json
from typing import Any

# Chalice's own error codes → ours, with what the caller should do
_FRENCH = {
    "UnsupportedMediaType": (
        "unsupported_media_type",
        "Type de contenu (Content-Type) non accepté par cette adresse : envoyez un fichier CSV "
        "(text/csv) ou XLSX pour une liste ou un annuaire, du JSON (application/json) pour une "
        "correspondance de colonnes, un formulaire pour une réponse de partenaire.",
    ),
    "MethodNotAllowedError": (
        "method_not_allowed",
        "Méthode HTTP non acceptée par cette adresse : consultez la documentation de l'API.",
    ),
}
NOT_FOUND = {
    "error": {
        "code": "not_found",
        "message": "Adresse inconnue : vérifiez le chemin (par exemple /departments/59/roster).",
    }
}
# API Gateway's answers on a keyed route (its usage-plan key, app.py's authorizer): no Authorization
# header (UNAUTHORIZED), a key it does not know (INVALID_API_KEY); the app's own words
# (auth.keys.authenticate), carried word for word by infra/resources.yaml's gateway responses.
MISSING_KEY = {
    "error": {
        "code": "unauthorized",
        "message": "Clé d'API manquante (en-tête Authorization: Bearer …).",
    }
}
UNKNOWN_KEY = {"error": {"code": "unauthorized", "message": "Clé d'API inconnue."}}
# The same answer for a person's browser. infra/resources.yaml's gateway responses carry these
# two bodies word for word (tests/infra check it): API Gateway answers an unknown path itself.
NOT_FOUND_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Page introuvable - Relais ASE</title></head><body><main>"
    "<h1>Page introuvable</h1><p>Cette adresse n'existe pas sur Relais ASE : vérifiez le lien. "
    'Agents des départements : <a href="/console">accédez à la console</a>.</p>'
    "</main></body></html>"
)
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
}


def wants_page(accept: str | None) -> bool:
    """A browser (``Accept`` names HTML) gets a page; an API client its JSON error."""
    return "text/html" in (accept or "").lower()


def not_found(accept: str | None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an unknown path, as the gateway answers it."""
    if wants_page(accept):
        return 404, dict(PAGE_HEADERS), NOT_FOUND_PAGE.encode()
    body = json.dumps(NOT_FOUND, ensure_ascii=False).encode()
    return 404, {"Content-Type": "application/json; charset=utf-8"}, body


def in_french(response: Any) -> Any:
    """``response`` itself, or our French error in place of Chalice's ``{"Code", "Message"}``."""
    if response.status_code < 400 or not isinstance(response.body, dict):
        return response
    french = _FRENCH.get(str(response.body.get("Code")))
    if french is None:
        return response
    code, message = french
    response.body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    response.headers = {
        **(response.headers or {}),
        "Content-Type": "application/json; charset=utf-8",
    }
    return response

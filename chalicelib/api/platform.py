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

"""The settings page: the department's contact, its lead days, reminder and escalation days, and
the agents allowed in its console. Every change is in the audit."""

from __future__ import annotations

from dataclasses import dataclass

from chalice.app import Request

from chalicelib.api import base
from chalicelib.console import agents, web
from chalicelib.console.sessions import Agent
from chalicelib.departments import service as departments
from chalicelib.errors import BadRequestError
from chalicelib.inputs.phones import InvalidPhoneError, normalize_phone
from chalicelib.messages.filters import telephone_fr
from chalicelib.validation import is_email, whole_number


@dataclass(frozen=True)
class NumberField:
    name: str
    label: str
    hint: str
    low: int
    high: int


NUMBERS = (
    NumberField(
        "ml_lead_days",
        "Orientation vers la mission locale : jours avant les 17 ans",
        "30 par défaut : l'orientation part 30 jours avant le 17e anniversaire.",
        0,
        365,
    ),
    NumberField(
        "hj_lead_days",
        "Orientation vers l'habitat jeunes : jours avant la majorité",
        "183 par défaut (6 mois), pour les jeunes qui ont besoin d'un logement.",
        0,
        365,
    ),
    NumberField(
        "relance_jours",
        "Relance du partenaire sans réponse : jours après l'envoi",
        "7 par défaut.",
        1,
        60,
    ),
    NumberField(
        "escalade_jours",
        "Escalade au référent sans réponse : jours après l'envoi",
        "14 par défaut ; doit venir après la relance.",
        2,
        90,
    ),
)


def context(agent: Agent, errors: list | None = None, values: dict | None = None) -> dict:
    department = departments.get(agent.department)
    current = {field.name: int(getattr(department, field.name)) for field in NUMBERS}
    return {
        "department": department,
        "numbers": NUMBERS,
        "values": {
            "contact_email": department.contact_email,
            "contact_phone": telephone_fr(department.contact_phone)
            if department.contact_phone
            else "",
            **current,
            **(values or {}),
        },
        "agents_allowed": agents.of_department(agent.department),
        "errors": errors or [],
        "current": "/console/parametres",
    }


def page(agent: Agent, request: Request) -> web.Page:
    done = {"enregistre": "Paramètres enregistrés.", "agents": "Liste des agents mise à jour."}
    message = done.get(base.query_param(request, "fait"))
    return web.Page("settings.html.j2", {**context(agent), "done": message})


def validate(fields: dict[str, str], code: str) -> tuple[dict[str, object], list[tuple[str, str]]]:
    values: dict[str, object] = {"contact_email": (fields.get("contact_email") or "").strip()}
    errors = []
    if not is_email(str(values["contact_email"])):
        errors.append(("contact_email", "Adresse électronique de contact invalide."))
    phone = (fields.get("contact_phone") or "").strip()
    values["contact_phone"] = phone
    if phone:
        try:
            values["contact_phone_e164"] = normalize_phone(phone, code).e164
        except InvalidPhoneError:
            errors.append(("contact_phone", "Numéro de téléphone de contact invalide."))
    for field in NUMBERS:
        text = (fields.get(field.name) or "").strip()
        number = whole_number(text, 4)
        if number is None or not field.low <= number <= field.high:
            errors.append((field.name, f"{field.label} : un nombre de {field.low} à {field.high}."))
            values[field.name] = text
        else:
            values[field.name] = number
    if not errors and int(values["escalade_jours"]) <= int(values["relance_jours"]):  # type: ignore[call-overload]
        errors.append(("escalade_jours", "L'escalade doit venir après la relance."))
    return values, errors


def save(agent: Agent, request: Request) -> web.Page:
    values, errors = validate(web.form(request), agent.department)
    if errors:
        return web.Page("settings.html.j2", context(agent, errors, values), status=400)
    departments.change_settings(
        agent.department,
        contact_email=str(values["contact_email"]).lower(),
        contact_phone=str(values.get("contact_phone_e164") or "") or None,
        numbers={field.name: int(values[field.name]) for field in NUMBERS},  # type: ignore[call-overload]
        actor=agent.actor,
    )
    return web.Page(redirect="/console/parametres?fait=enregistre")


def change_agents(agent: Agent, request: Request) -> web.Page:
    fields = web.form(request)
    email = (fields.get("email") or "").strip().lower()
    try:
        if fields.get("action") == "retirer":
            if email == agent.email:
                raise BadRequestError("Vous ne pouvez pas vous retirer vous-même.")
            agents.remove(agent.department, email, actor=agent.actor)
        else:
            agents.add(agent.department, email, actor=agent.actor)
    except BadRequestError as error:
        errors = [("email", error.message)]
        return web.Page("settings.html.j2", context(agent, errors), status=400)
    return web.Page(redirect="/console/parametres?fait=agents")

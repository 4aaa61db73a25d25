"""A removed department or agent (SPEC §4b "Safe by default"): the sessions end at once and the
sign-in is refused — from the CLI (``department remove``, ``agent remove``) and from the
console's own agents page."""

from __future__ import annotations

from chalicelib.cli import commands
from chalicelib.console import agents
from chalicelib.domain import clock
from chalicelib.store import console as console_store
from tests.support import console as support

REFUSED = "autorisée dans aucun département"


def signs_in(console, email: str):
    """The callback's answer for ``email`` (303 signed in, 403 refused)."""
    callback, login_cookie = console.authorize(email)
    return console.client.http.get(callback, headers={"Cookie": login_cookie})


def assert_signed_out(console, session) -> None:
    """Every page of the removed agent goes to the sign-in; nothing of the youths is served."""
    for path in ("/console", "/console/jeunes", "/console/exports/jeunes.csv"):
        answer = console.get(path, session)
        assert answer.status_code == 303, (path, answer.status_code)
        assert answer.headers["Location"] == "/console/connexion", path
    search = console.post("/console/jeunes", session, {"recherche": "D59"})
    assert search.status_code == 303 and "D59" not in search.body.decode()


def test_after_department_remove_its_agents_are_signed_out_and_cannot_sign_in(console, capsys):
    support.load_world(clock.local_today("59", clock.clock_from(None, None)))
    session = console.sign_in(support.AGENT_59)
    assert console.get("/console/exports/jeunes.csv", session).status_code == 303  # the file

    assert commands.main(["department", "remove", "59"]) == 0
    assert '"agents_removed": 1' in capsys.readouterr().out

    assert_signed_out(console, session)
    refused = signs_in(console, support.AGENT_59)
    assert refused.status_code == 403 and REFUSED in refused.body.decode()
    assert agents.departments_of(support.AGENT_59) == []


def test_no_agent_can_be_added_to_a_removed_department(console):
    commands.main(["department", "remove", "59"])
    assert commands.main(["agent", "add", "59", "nouvel.agent@cd59.demo.fr"]) == 1
    # nor by a request that checked the department just before its removal: the store refuses
    assert not console_store.allow_agent("59", "nouvel.agent@cd59.demo.fr", added_by="test")
    assert agents.of_department("59") == []


def test_after_agent_remove_the_agent_is_signed_out_and_cannot_sign_in(console):
    session = console.sign_in(support.AGENT_59)
    assert commands.main(["agent", "remove", "59", support.AGENT_59]) == 0
    assert_signed_out(console, session)
    refused = signs_in(console, support.AGENT_59)
    assert refused.status_code == 403 and REFUSED in refused.body.decode()


def test_an_agent_removed_on_the_agents_page_is_signed_out_of_that_department(console):
    agents.add("59", support.AGENT_974, actor="test")  # also an agent of 59, where it works
    colleague = console.sign_in(support.AGENT_974)
    assert "département 59" in console.get("/console", colleague).body.decode()
    admin = console.sign_in(support.AGENT_59)

    removed = console.post(
        "/console/parametres/agents", admin, {"action": "retirer", "email": support.AGENT_974}
    )
    assert removed.status_code == 303

    assert_signed_out(console, colleague)
    # signing in again opens only the department still allowed, and 59 stays out of reach
    again = console.sign_in(support.AGENT_974)
    assert "département 974" in console.get("/console", again).body.decode()
    switched = console.post("/console/departement", again, {"departement": "59"})
    assert switched.status_code == 403

"""API keys (SPEC §3, §8): a rotation is conditional and revokes every older key of the
department, even one left behind by two rotations at once; an operator's keys can be revoked and a
department removed, from the CLI."""

from __future__ import annotations

import threading

import pytest

from chalicelib.auth import keys
from chalicelib.cli import commands
from chalicelib.departments import service as departments
from chalicelib.errors import UnauthorizedError
from chalicelib.store.models import ApiKey, Department
from tests.support import integration as s


def works(key: str) -> bool:
    try:
        keys.authenticate(f"Bearer {key}")
    except UnauthorizedError:
        return False
    return True


def test_a_rotation_revokes_every_older_key_of_the_department_even_an_orphan(aws):
    first = s.department_key("59")
    # Given a key a former race left valid without being the department's
    orphan = keys.new_key()
    keys.store_key(orphan, scope=keys.DEPARTMENT, department="59", name="Nord")
    assert works(orphan)
    # When the operator rotates the key
    new = departments.rotate_key("59")
    # Then only the new key works
    assert works(new)
    assert not works(first) and not works(orphan)
    assert [k.key_hash for k in ApiKey.scan()] == [keys.hash_key(new)]


def test_two_rotations_at_once_leave_exactly_one_working_key(aws):
    first = s.department_key("59")
    issued: list[str] = []
    start = threading.Barrier(2)

    def rotate() -> None:
        start.wait()
        try:
            issued.append(departments.rotate_key("59"))
        except Exception as error:  # the loser is told to try again
            issued.append(type(error).__name__)

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    valid = [key for key in [first, *issued] if key.startswith(keys.KEY_PREFIX) and works(key)]
    assert len(valid) == 1
    assert Department.get("59").key_hash == keys.hash_key(valid[0])
    assert len(list(ApiKey.scan())) == 1


def test_operator_revoke_stops_every_key_of_that_operator(aws, capsys):
    key = s.operator_key()
    assert works(key)
    assert commands.main(["operator", "revoke", "Equipe Relais"]) == 0
    assert not works(key)
    assert '"keys_revoked": 1' in capsys.readouterr().out
    # And an unknown name is a one-line error, not a traceback
    assert commands.main(["operator", "revoke", "Personne"]) == 1
    assert "erreur" in capsys.readouterr().err


def test_department_remove_revokes_its_key_and_takes_it_out_of_the_jobs(aws, capsys):
    key = s.department_key("59")
    s.department_key("62", name="Pas-de-Calais")
    assert commands.main(["department", "remove", "59"]) == 0
    assert not works(key)
    assert [d.code for d in departments.all_departments()] == ["62"]
    assert commands.main(["department", "remove", "59"]) == 1  # unknown now
    capsys.readouterr()


@pytest.mark.parametrize("argv", [["department", "remove"], ["operator", "revoke"]])
def test_the_new_commands_want_their_argument(aws, argv, capsys):
    assert commands.main(argv) != 0
    capsys.readouterr()

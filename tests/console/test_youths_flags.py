"""The youths list's flag views exact at a department's size (issue 19, SPEC §4b v3, §10): every
page full but the last, totals that count each youth once, "à réorienter" without what was
already dealt with, alone or with a status or a month, each page reading at most 3 items a row
shown + 20; and the views following the transitions that change them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest

from chalicelib import jobs, refs, tokens
from chalicelib.domain import clock
from chalicelib.roster import service as roster
from chalicelib.store import listing
from chalicelib.store.models import ConsoleItem, Referral, Youth
from tests.support import console as support
from tests.support import flagged
from tests.support import integration as s
from tests.support.youths_list import numbers, total, walk

SIZE = 400  # 360 followed youths: "sans réponse" takes seven pages of 20
PAGE = 20
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
FLAGS = ("sans_reponse", "sans_partenaire", "a_reorienter")


@pytest.fixture
def today():
    return clock.local_today("59", clock.clock_from(None, None))


def assert_exact_view(
    console, session, address: str, expected: set[str], *, searched: int = 0
) -> None:
    """Every page of the view full but the last, each youth once, the total right, and each page
    within 3 items a row + 20 (+ twice the matches of a name ``searched``: its count and its
    page read them, the flag filtering them)."""
    pages = walk(console, session, address)
    rows = [numbers(page) for page, _ in pages]
    seen = [number for page in rows for number in page]
    assert sorted(seen) == sorted(expected), address  # each youth once, none missing
    assert all(len(page) == PAGE for page in rows[:-1]), (address, [len(p) for p in rows])
    for page, read in pages:
        assert total(page) == len(expected), address
        assert read <= 3 * len(numbers(page)) + 20 + 2 * searched, (address, read)


def test_each_flag_view_alone_or_with_a_status_or_a_month_is_exact_and_within_budget(
    console, today
):
    expected = flagged.write("59", SIZE, today)
    session = console.sign_in()
    busiest = Counter(expected.months[n] for n in expected.late).most_common(1)[0][0]
    for flag in FLAGS:
        wanted = expected.of(flag)
        address = f"/console/jeunes?filtre={flag}&taille={PAGE}"
        assert_exact_view(console, session, address, wanted)
        assert_exact_view(console, session, f"{address}&statut=active", wanted)
        assert_exact_view(console, session, f"{address}&statut=exited", set())
        in_month = {n for n in wanted if expected.months[n] == busiest}
        assert_exact_view(console, session, f"{address}&mois={busiest}", in_month)
        both = f"{address}&mois={busiest}&statut=active"
        assert_exact_view(console, session, both, in_month)


def test_a_youth_late_for_both_kinds_counts_once_and_refusals_dealt_with_are_not_to_reroute(
    console, today
):
    expected = flagged.write("59", 2 * flagged.SITUATIONS, today)
    session = console.sign_in()
    late = console.get("/console/jeunes?filtre=sans_reponse&taille=20", session).body.decode()
    assert "B000002" in numbers(late)  # late for both kinds: one row
    assert numbers(late).count("B000002") == 1 and total(late) == len(expected.late) == 5
    refused = console.get("/console/jeunes?filtre=a_reorienter&taille=20", session).body.decode()
    # refused (5, 13); the refusal kept (6, 14) and the youth already re-routed (7) are not
    assert sorted(numbers(refused)) == ["B000005", "B000013"] and total(refused) == 2


def test_youths_stored_before_the_flag_views_enter_them_at_the_next_upload(console, today):
    expected = flagged.write("59", 2 * flagged.SITUATIONS, today, refreshed=False)
    ConsoleItem.get("flag-counts#59", "backfilled").delete()  # an older version had none
    session = console.sign_in()
    assert total(console.get("/console/jeunes?filtre=sans_reponse", session).body.decode()) == 0
    listing.recount("59", datetime.now(UTC))  # what each roster upload does
    for flag in FLAGS:
        page = console.get(f"/console/jeunes?filtre={flag}", session).body.decode()
        assert sorted(numbers(page)) == sorted(expected.of(flag)), flag
        assert total(page) == len(expected.of(flag)), flag


def test_the_flag_views_follow_a_choice_a_reminder_an_answer_and_a_kept_refusal(console, today):
    world = support.load_world(today)
    session = console.sign_in()

    def listed(flag: str) -> tuple[list[str], int]:
        page = console.get(f"/console/jeunes?filtre={flag}", session).body.decode()
        return numbers(page), total(page)

    # the shared commune's youth waits for a partner; the other one's referral is only awaited
    assert listed("sans_partenaire") == ([world["shared"]], 1)
    assert listed("sans_reponse") == ([], 0)
    youth_page = f"/console/jeunes/{refs.youth_ref('59', world['shared'])}"
    chosen = {"action": "choisir", "code_ml": "ML59B"}
    assert console.post(f"{youth_page}/orientation", session, chosen).status_code == 303
    assert listed("sans_partenaire") == ([], 0)
    # a week later the partner is reminded: the answer is late
    jobs.run_all(clock.clock_from(today + timedelta(days=8), None))
    assert listed("sans_reponse") == ([world["due"]], 1)
    # the partner refuses (two requests): once the follow-ups ran, no longer late, to re-route
    (referral,) = [r for r in Referral.scan() if r.id_externe == world["due"]]
    ack = urlsplit(tokens.ack_url(referral.referral_id)).path
    refusal = {"reponse": "refuse", "motif": "Plus de place"}
    assert (
        console.client.http.post(ack, body=urlencode(refusal).encode(), headers=FORM).status_code
        == 200
    )
    jobs.run_all(clock.clock_from(today + timedelta(days=8), None))  # the hourly follow-ups
    assert listed("sans_reponse") == ([], 0)
    assert listed("a_reorienter") == ([world["due"]], 1)
    # the department keeps the refusal: nothing left to re-route
    due_page = f"/console/jeunes/{refs.youth_ref('59', world['due'])}"
    assert console.post(f"{due_page}/orientation", session, {"action": "garder"}).status_code == 303
    assert listed("a_reorienter") == ([], 0)


def test_a_youth_that_leaves_the_roster_or_is_erased_leaves_the_flag_views_and_their_totals(
    console, today
):
    world = support.load_world(today)
    session = console.sign_in()

    def without_partner() -> tuple[list[str], int]:
        page = console.get("/console/jeunes?filtre=sans_partenaire", session).body.decode()
        return numbers(page), total(page)

    assert without_partner() == ([world["shared"]], 1)
    due = s.youth(world["due"], s.birth_for(today, years=17, days=10), nom="Lefebvre")
    shared = s.youth(world["shared"], s.birth_for(today, years=17, days=20), commune="59599")
    roster.upload_any_size("59", s.roster_csv([due]), actor="test")  # the other one leaves
    assert without_partner() == ([], 0)
    roster.upload_any_size("59", s.roster_csv([due, shared]), actor="test")  # and comes back
    assert without_partner() == ([world["shared"]], 1)
    ref = refs.youth_ref("59", world["shared"])
    erased = console.post(f"/console/jeunes/{ref}/effacement", session, {"confirmation": "oui"})
    assert erased.status_code == 303
    assert without_partner() == ([], 0)


def test_a_name_searched_within_a_flag_view_finds_only_its_flagged_youths(console, today):
    expected = flagged.write("59", 160, today)
    lefebvre = {y.id_externe for y in Youth.query("59") if y.record["nom"] == "Lefebvre"}
    wanted = lefebvre & expected.late
    assert wanted and lefebvre - wanted  # some to find, some to leave out
    session = console.sign_in()
    fields = {"recherche": "lefebvre", "filtre": "sans_reponse", "taille": "20"}
    address = console.post("/console/jeunes", session, fields).headers["Location"]
    assert_exact_view(console, session, address, wanted, searched=len(lefebvre))

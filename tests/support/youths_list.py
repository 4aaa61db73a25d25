"""Reading the console's youths list as a browser does: its rows' file numbers, its total, its
next and previous links; and walking every page of a view, counting the items each one read."""

from __future__ import annotations

import re
from html import unescape

from tests.support.aws_requests import items_read

NUMBER = re.compile(r"<td>(B\d{6}|D59-\d)</td>")
NEXT = re.compile(r'href="([^"]+)" rel="next"')
PREVIOUS = re.compile(r'href="([^"]+)" rel="prev"')
TOTAL = re.compile(r"(\d+) jeunes?\b")


def numbers(page: str) -> list[str]:
    return NUMBER.findall(page)


def link(pattern: re.Pattern, page: str) -> str:
    found = pattern.search(page)
    assert found, "no such link on the page"
    return unescape(found.group(1))


def total(page: str) -> int:
    found = TOTAL.search(page)
    assert found, "no total on the page"
    return int(found.group(1))


def walk(console, session, address: str) -> list[tuple[str, int]]:
    """Each page of the view from ``address`` on, following "next", with the items it read."""
    pages: list[tuple[str, int]] = []
    while address:
        with items_read() as read:
            page = console.get(address, session).body.decode()
        pages.append((page, read["items"]))
        address = link(NEXT, page) if NEXT.search(page) else ""
        assert len(pages) <= 100, "the pages do not end"
    return pages

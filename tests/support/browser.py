"""The console in Chromium: axe-core and screenshots of each page, signing in at the local
provider (shared by the browser tests)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.support import console as support

WIDTHS = (390, 1280)
BLOCKING = ("serious", "critical")


class Checker:
    """axe-core and the two screenshots for each page of the journey."""

    def __init__(self, page, artifacts: Path) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page, self.artifacts, self.axe = page, artifacts, Axe()
        self.seen: list[str] = []

    def check(self, name: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            path = self.artifacts / f"console-{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        results = self.axe.run(self.page).response
        blocking = [v["id"] for v in results["violations"] if v["impact"] in BLOCKING]
        assert not blocking, f"{name}: {blocking}"
        self.seen.append(name)


def sign_in(page, api) -> None:
    page.goto(api.url + "/")
    assert urlsplit(page.url).path == "/console/connexion"
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.get_by_role("button", name=support.AGENT_59).click()  # the mock provider's page
    page.wait_for_url(f"{api.url}/console")

"""The console's import with JavaScript turned off, in Chromium (SPEC §4b): a file above the
4 MB of the console's form goes straight to S3 through the plain HTML form (the page's
Content-Security-Policy lets that form post to the bucket), and S3 sends the browser back to
the report. axe-core (which needs JavaScript) checks the direct form page in a second test."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib import limits
from chalicelib.domain import clock
from chalicelib.store.models import Upload
from tests.support import integration as s
from tests.support.browser import Checker, sign_in

pytestmark = pytest.mark.browser


def large_roster() -> bytes:
    """Two youths, then blank lines (left out of the rows) past the console form's limit."""
    today = clock.local_today("59", clock.clock_from(None, None))
    csv = s.roster_csv(
        [s.youth(f"NOJS-{n}", s.birth_for(today, years=17, days=200 + n)) for n in range(2)]
    )
    line = b" " * 63 + b"\n"
    return csv + line * (limits.MAX_DIRECT_BYTES // len(line) + 1024)


@pytest.fixture
def scriptless_page(agent_page, browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_large_file_goes_to_s3_and_back_to_its_report_without_javascript(
    scriptless_page, api, tmp_path: Path
):
    page = scriptless_page
    sign_in(page, api)
    page.goto(api.url + "/console/import")
    page.get_by_role("button", name="Préparer l'envoi direct").click()
    page.get_by_role("heading", name="Envoyer le fichier des jeunes suivis").wait_for()
    path = tmp_path / "gros-export.csv"
    path.write_bytes(large_roster())
    page.get_by_label("Fichier (.xlsx, .xls, .ods ou .csv, 50 Mo au plus)").set_input_files(
        str(path)
    )
    page.get_by_role("button", name="Envoyer et vérifier le fichier").click()
    page.wait_for_url(f"{api.url}/console/import/upl_*")
    (upload,) = Upload.scan()
    assert upload.file_etag  # the check started on the way back from S3


def test_the_direct_form_page_passes_axe_at_both_widths(agent_page, api, artifacts):
    page = agent_page
    sign_in(page, api)
    page.goto(api.url + "/console/import")
    # the button sits in <noscript>: with the script on (axe needs it), post its form by hand
    page.evaluate(
        """() => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = "/console/import/envoi-direct";
        form.append(document.querySelector("input[name=csrf]").cloneNode());
        document.body.append(form);
        form.submit();
    }"""
    )
    page.get_by_role("heading", name="Envoyer le fichier des jeunes suivis").wait_for()
    Checker(page, artifacts).check("import-direct")

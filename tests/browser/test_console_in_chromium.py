"""The department console in a real headless Chromium, the whole journey of an agent: sign in at
the local OpenID provider, import a real-export-style XLSX (sent straight to S3 by the page's
script), map a column, apply, see the youths, act on an alert, follow a partner's answer, export,
sign out (at the provider too). axe-core checks every page (no serious or critical violation)
and every page is photographed at 390 px and 1280 px (artifacts/browser/console-*.png)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from chalicelib import jobs
from chalicelib.domain import clock
from chalicelib.store.models import Youth
from tests.support import console as support
from tests.support import integration as s
from tests.support.browser import Checker, sign_in

pytestmark = pytest.mark.browser


def youths_rows(today) -> list[dict]:
    due = s.youth("CHR-1", s.birth_for(today, years=17, days=10), nom="Lefebvre", prenom="Éloïse")
    shared = s.youth("CHR-2", s.birth_for(today, years=17, days=12), commune="59599")
    later = s.youth("CHR-3", s.birth_for(today, years=17, days=200))
    soon = s.youth("CHR-4", s.birth_for(today, years=18, days=60), commune="59512")
    return [due, shared, later, soon]


def import_file(page, checker: Checker, api, tmp_path: Path, today) -> None:
    page.get_by_role("link", name="Import").click()
    checker.check("import")
    path = tmp_path / "export-ase.xlsx"
    path.write_bytes(support.export_xlsx(youths_rows(today)))
    to_s3 = []  # the page's script sends the file straight to the bucket (presigned POST)
    page.on(
        "request",
        lambda r: to_s3.append(r.url) if r.method == "POST" and api.url not in r.url else None,
    )
    page.get_by_label("Fichier (.xlsx, .xls, .ods ou .csv").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_url(f"{api.url}/console/import/upl_*")
    assert page.locator("progress").count() == 0  # the report page, after the bar
    assert [url for url in to_s3 if "/relais-dev-uploads" in url], to_s3
    checker.check("import-columns")
    page.get_by_label("Colonne « Courriel TS » du fichier").select_option("referent_email")
    page.get_by_role("button", name="Enregistrer les colonnes et vérifier à nouveau").click()
    page.get_by_role("heading", name="Ce qui changerait").wait_for()
    checker.check("import-dry-run")
    assert Youth.count("59") == 0
    page.get_by_role("button", name="Appliquer ce fichier").click()
    page.get_by_role("heading", name="Fichier appliqué").wait_for()
    checker.check("import-applied")
    assert Youth.count("59") == 4


def sign_out(page, api, oidc_provider) -> None:
    """Our sign-out form leads to the provider's sign-out page (the browser allows it: the
    console's form-action names the provider), which comes back to our sign-in page."""
    page.goto(f"{api.url}/console")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{oidc_provider.issuer}/oauth2/end_session?*")
    assert "id_token_hint" in page.url
    page.get_by_role("button", name="End session").click()  # the mock provider's page
    page.wait_for_url(f"{api.url}/console/connexion?message=sortie")
    page.get_by_text("Vous êtes déconnecté(e) de Relais ASE et de ProConnect.").wait_for()


def test_an_agent_works_the_whole_journey_in_chromium(
    agent_page, api, oidc_provider, artifacts, tmp_path
):
    page, checker = agent_page, Checker(agent_page, artifacts)
    today = clock.local_today("59", clock.clock_from(None, None))
    page.goto(api.url + "/console/connexion")
    checker.check("sign-in")
    sign_in(page, api)
    checker.check("dashboard")
    import_file(page, checker, api, tmp_path, today)
    jobs.run_all(clock.clock_from(today, None))
    page.get_by_role("link", name="Tableau de bord").click()
    checker.check("dashboard-after-import")

    page.get_by_role("link", name="Jeunes", exact=True).click()
    checker.check("youths")
    page.get_by_role("searchbox").fill("eloise")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/console/jeunes?q=*")  # the search is saved, then its opaque address
    page.wait_for_load_state()
    assert "Éloïse LEFEBVRE" in page.content() and "CHR-2" not in page.content()
    assert "eloise" not in page.url

    page.get_by_role("link", name="Alertes").click()
    checker.check("alerts")
    page.get_by_role("link", name="Choisir le partenaire").first.click()
    checker.check("youth-decision")
    page.get_by_label("Mission locale de Roubaix").check()
    page.get_by_role("button", name="Envoyer l'orientation à ce partenaire").click()
    page.get_by_text("Mission locale choisie").wait_for()
    checker.check("youth")
    page.get_by_role("link", name="Alertes").click()
    assert "Aucune alerte ouverte" in page.content()

    answer_as_partner(page, api)
    page.get_by_role("link", name="Jeunes", exact=True).click()
    page.get_by_role("link", name="Éloïse LEFEBVRE").click()
    page.get_by_text("Accepté – Premier rendez-vous avec Karim Benali.").first.wait_for()

    page.get_by_role("link", name="Effacer les données de ce jeune…").click()
    checker.check("erase")
    page.get_by_role("button", name="Effacer définitivement").click()
    assert page.locator("#erreurs").is_visible()
    checker.check("erase-error")
    page.get_by_role("link", name="Annuler et revenir au jeune").click()

    page.get_by_role("link", name="Exports").click()
    checker.check("exports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Jeunes – Excel (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Paramètres").click()
    checker.check("settings")
    for path, name in (("accessibilite", "accessibility"), ("donnees-personnelles", "privacy")):
        page.goto(f"{api.url}/console/{path}")
        checker.check(name)
    page.goto(f"{api.url}/console/jeunes/inconnu")
    checker.check("not-found")

    sign_out(page, api, oidc_provider)
    checker.check("signed-out")
    page.goto(f"{api.url}/console/jeunes")
    assert urlsplit(page.url).path == "/console/connexion"
    assert len(checker.seen) == 19


def answer_as_partner(page, api) -> None:
    """In another tab, the mission locale accepts the referral of the email it received."""
    [email] = [m for m in s.sent() if m["channel"] == "email" and "ml-lille" in str(m["to"])]
    tab = page.context.new_page()
    tab.goto(api.url + urlsplit(email["ack_url"]).path)
    tab.get_by_label("Nous prenons en charge l'accompagnement").check()
    tab.get_by_label("Commentaire").fill("Premier rendez-vous avec Karim Benali.")
    tab.get_by_role("button", name="Enregistrer ma réponse").click()
    tab.get_by_role("heading", name="Merci, votre réponse est enregistrée").wait_for()
    tab.close()

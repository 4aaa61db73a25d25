"""A clone has only the repository: every document a newcomer opens links to files it contains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("document", DOCS, ids=lambda path: path.name)
def test_every_relative_link_points_inside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert "../shared/" not in text
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        resolved = (document.parent / target).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), f"{document.name}: {target}"


def test_the_readme_links_the_contract_departments_and_partners_read() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/CONTRAT.md)" in readme
    contract = (ROOT / "docs" / "CONTRAT.md").read_text(encoding="utf-8")
    for heading in ("Le fichier des jeunes", "statuts", "L'API", "récapitulatif des alertes"):
        assert heading in contract

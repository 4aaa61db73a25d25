"""``python -m chalicelib.local.samples`` writes every message a person receives, the v3 ones
included (the exit notices, the CANCEL that says why, the youth's messages), without AWS."""

from __future__ import annotations

from pathlib import Path

from chalicelib.local import samples

NEW_IN_V3 = {
    "sortie_ml_acceptee.txt": "Inès D. n'est plus suivi(e) par l'ASE du département Nord (59).",
    "sortie_hj_sans_reponse.txt": "Vous n'avez plus à y répondre.",
    "sms_sortie_partenaire.txt": "n'est plus suivi(e) par l'ASE du département.",
    "annulation_sortie.txt": "Inès D. n'est plus suivi(e) par l'ASE du département Nord (59).",
    "sms_jeune_informe.txt": "Mission locale de Lille a accepté de vous accompagner",
    "sms_jeune_rdv_modifie.txt": "Votre rendez-vous avec Mission locale de Lille a changé.",
    "sms_jeune_informe_logement.txt": "a accepté d'étudier une solution de logement pour vous.",
    "jeune_informe.txt": "Votre contact : Mme Dupont – 03 20 11 22 33",
}


def test_the_samples_write_the_new_messages_with_their_text(tmp_path: Path) -> None:
    assert samples.main(str(tmp_path)) == 0
    for name, sentence in NEW_IN_V3.items():
        assert sentence in (tmp_path / name).read_text(encoding="utf-8"), name
    assert (tmp_path / "jeune_informe.html").is_file()
    assert "http" not in (tmp_path / "sms_jeune_informe.txt").read_text(encoding="utf-8")

"""French formatting filters used by the templates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.messages import filters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 5, 12), "12/05/2027"),
        ("2027-05-12", "12/05/2027"),
        (datetime(2027, 1, 2, 23, 59), "02/01/2027"),
        ("2027-05-12T10:00:00+02:00", "12/05/2027"),
    ],
)
def test_date_fr(value: object, expected: str) -> None:
    assert filters.date_fr(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2027, 5, 12), "mercredi 12 mai 2027"),
        (date(2027, 5, 1), "samedi 1er mai 2027"),
        (date(2026, 8, 15), "samedi 15 août 2026"),
        (date(2026, 2, 2), "lundi 2 février 2026"),
        (date(2026, 12, 27), "dimanche 27 décembre 2026"),
    ],
)
def test_date_long_fr(value: date, expected: str) -> None:
    assert filters.date_long_fr(value) == expected


def test_dates_refuse_what_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        filters.date_fr(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        filters.date_fr("demain")


def test_lenient_date_shows_typed_text_as_given() -> None:
    assert filters.date_or_text_fr("2026-05-10") == "dimanche 10 mai 2026"
    assert filters.date_or_text_fr("la semaine prochaine") == "la semaine prochaine"
    assert filters.date_or_text_fr(None) == ""


def test_month_iso_and_datetime() -> None:
    assert filters.mois_fr(date(2027, 8, 3)) == "août 2027"
    assert filters.iso_date(date(2026, 5, 10)) == "2026-05-10"
    assert filters.iso_date("nope") == "" and filters.iso_date(None) == ""
    assert filters.datetime_fr(datetime(2026, 4, 2, 9, 5)) == "02/04/2026 à 9 h 05"
    assert filters.datetime_fr("2026-04-02T17:30:00+02:00") == "02/04/2026 à 17 h 30"
    assert filters.heure_fr("09:30") == "9 h 30" and filters.heure_fr(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Dupont", "D."),
        ("dupont", "D."),
        ("Élise", "É."),
        ("  d'Arc", "D."),
        ("D.", "D."),
        ("", ""),
        (None, ""),
        ("-", ""),
    ],
)
def test_initiale(value: str | None, expected: str) -> None:
    assert filters.FILTERS["initiale"](value) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (None, ""),
        (["Santé"], "Santé"),
        (["a", "b"], "a et b"),
        (["a", "b", "c"], "a, b et c"),
    ],
)
def test_liste_fr(items: list[str] | None, expected: str) -> None:
    assert filters.liste_fr(items) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+590690123456", "06 90 12 34 56"),
        ("+262639123456", "06 39 12 34 56"),
        ("+3227123456", "+3227123456"),
        (None, ""),
    ],
)
def test_telephone_fr(value: str | None, expected: str) -> None:
    assert filters.telephone_fr(value) == expected


def test_commune_and_department_labels() -> None:
    assert filters.commune({"commune_nom": "Lille", "commune_code": "59350"}) == "Lille (59350)"
    assert filters.commune({"commune_nom": None, "commune_code": "59350"}) == "commune 59350"
    assert filters.commune({"commune_code": "97411"}) == "commune 97411"
    assert filters.dept_label({"name": "La Réunion", "code": "974"}) == "La Réunion (974)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://relais.fr/ack/x", "https://relais.fr/ack/x"),
        ("http://127.0.0.1:8000/ack/x", "http://127.0.0.1:8000/ack/x"),
        ("javascript:alert(1)", "about:blank"),
        ("//evil.example/x", "about:blank"),
        ("data:text/html,x", "about:blank"),
        ("", "about:blank"),
        ("http://[::1", "about:blank"),
    ],
)
def test_href_allows_only_absolute_http_urls(value: str, expected: str) -> None:
    assert filters.href(value) == expected


def test_mailto_and_tel_urls() -> None:
    assert filters.mailto("a.b+c@ex-ample.fr") == "mailto:a.b+c@ex-ample.fr"
    assert filters.mailto('x@y.fr?bcc=z@w.fr"><') == "mailto:x@y.fr%3Fbcc%3Dz@w.fr%22%3E%3C"
    assert filters.tel("+33 6 12 34 56 78") == "tel:+33612345678"
    assert filters.tel("06.12") == "tel:0612"

"""Exports of the console: the youths and the referrals, as XLSX (openpyxl) and CSV.

French column names and statuses, times in the department's time zone, spreadsheet-safe: in the
CSV a cell that a spreadsheet could read as a formula gets a leading quote (``reports.export``);
in the XLSX every text cell is typed as text, so no formula can exist, let alone run, and dates
and times are real date cells (``JJ/MM/AAAA``, ``JJ/MM/AAAA HH:MM``) that sort and filter.

The file is written to the upload bucket (``exports/``, deleted by the bucket's lifecycle after a
day) and the browser is sent to a presigned link valid one minute: no size limit of a Lambda
response, no binary handling by API Gateway, and no personal data in any URL.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from chalicelib import aws, settings
from chalicelib.console import youth as youth_page
from chalicelib.domain import clock
from chalicelib.domain.answers import AnswerEntry
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.labels import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, answer_label, label
from chalicelib.errors import NotFoundError
from chalicelib.reporting import referrals as referral_reports
from chalicelib.reporting import youth_list
from chalicelib.reporting.export import safe_csv
from chalicelib.reporting.youth_view import FLAG_LABELS, STATUS_FILTERS, YouthRow
from chalicelib.validation import strip_controls

PREFIX = "exports/"
LINK_SECONDS = 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
YOUTH_COLUMNS = (
    "N° de dossier",
    "Nom",
    "Prénom",
    "Date de majorité",
    "Statut",
    "Mission locale",
    "Entretien de préparation",
    "Habitat jeunes",
    "Situation",
)
REFERRAL_COLUMNS = (
    "N° de dossier",
    "Type",
    "Partenaire",
    "Canal",
    "État",
    "Créée le",
    "Envoyée le",
    "Réponse le",
    "Réponse",
    "Conseiller ou conseillère",
    "Date de rendez-vous",
    "Motif",
    "Commentaire",
)
EXPORTS = {
    "jeunes.csv": ("jeunes", "csv"),
    "jeunes.xlsx": ("jeunes", "xlsx"),
    "orientations.csv": ("orientations", "csv"),
    "orientations.xlsx": ("orientations", "xlsx"),
}


Cell = str | date | datetime | None
DAY_FORMAT, TIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM"


def local_time(code: str, text: str | None) -> datetime | None:
    """The moment in the department's time zone (naive: a spreadsheet has no zones)."""
    if not text:
        return None
    try:
        moment = parse_iso(text)
    except ValueError:
        return None
    return moment.astimezone(clock.zone_of(code)).replace(tzinfo=None, second=0, microsecond=0)


def day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def csv_text(value: Cell) -> str:
    """``30/11/2026 18:42``, ``30/11/2026``: the CSV shows dates as a French reader expects."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value or ""


def youth_rows(rows: Iterable[YouthRow]) -> Iterator[dict[str, Cell]]:
    for row in rows:
        yield {
            "N° de dossier": row.id_externe,
            "Nom": row.nom,
            "Prénom": row.prenom,
            "Date de majorité": row.majority_date,
            "Statut": STATUS_FILTERS.get(row.status, row.status),
            "Mission locale": _state(row, "mission_locale"),
            "Entretien de préparation": _state(row, "entretien"),
            "Habitat jeunes": _state(row, "habitat_jeunes"),
            "Situation": ", ".join(FLAG_LABELS[flag] for flag in sorted(row.flags)),
        }


def _state(row: YouthRow, kind: str) -> str:
    if kind in row.states:
        return label(STATUS_LABELS, row.states[kind])
    return "Sans partenaire" if kind in row.blocked else ""


def referral_row(code: str, referral: Any) -> dict[str, Cell]:
    return {
        "N° de dossier": referral.id_externe,
        "Type": label(KIND_LABELS, referral.kind),
        "Partenaire": youth_page.partner_name(referral),
        "Canal": label(CHANNEL_LABELS, referral.channel),
        "État": label(STATUS_LABELS, referral.status),
        "Créée le": local_time(code, referral.created_at),
        "Envoyée le": local_time(code, referral.sent_at),
        "Réponse le": local_time(code, referral.answered_at),
        **_answer_cells(referral.current_answer()),
    }


def _answer_cells(answer: AnswerEntry | None) -> dict[str, Cell]:
    if answer is None:
        return dict.fromkeys(ANSWER_COLUMNS, "") | {"Date de rendez-vous": None}
    return {
        "Réponse": answer_label("", answer.reponse, short=True),
        "Conseiller ou conseillère": answer.conseiller_nom or "",
        "Date de rendez-vous": day(answer.date_rdv),
        "Motif": answer.motif or "",
        "Commentaire": answer.commentaire or "",
    }


ANSWER_COLUMNS = (
    "Réponse",
    "Conseiller ou conseillère",
    "Date de rendez-vous",
    "Motif",
    "Commentaire",
)


def xlsx(rows: Iterable[Mapping[str, Cell]], columns: Sequence[str], title: str) -> bytes:
    """Every text cell typed as text (``data_type = "s"``: a value starting with ``=`` stays
    text); dates and times as date cells with a French format."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([_xlsx_cell(sheet, column) for column in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(column)) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Cell) -> WriteOnlyCell:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = TIME_FORMAT if isinstance(value, datetime) else DAY_FORMAT
        return cell
    # a control character (which openpyxl refuses) is dropped, a line break kept
    cell = WriteOnlyCell(sheet, value=strip_controls(str(value or "")))
    cell.data_type = "s"
    return cell


def build(code: str, name: str, now: datetime) -> tuple[bytes, str]:
    """(the file, its content type) of export ``name`` for department ``code``."""
    if name not in EXPORTS:
        raise NotFoundError("Export inconnu.")
    subject, kind = EXPORTS[name]
    columns: tuple[str, ...]
    rows: Iterable[dict[str, Cell]]
    if subject == "jeunes":
        rows, columns = youth_rows(youth_list.every_row(code, now)), YOUTH_COLUMNS
    else:
        found = referral_reports.live_of_department(code, now)
        rows, columns = (referral_row(code, r) for r in found), REFERRAL_COLUMNS
    if kind == "csv":
        texts = ({k: csv_text(v) for k, v in row.items()} for row in rows)
        return safe_csv(texts, columns).encode("utf-8"), CSV_TYPE
    return xlsx(rows, columns, subject.capitalize()), XLSX_TYPE


def download_link(code: str, name: str, now: datetime) -> str:
    """Store the export and return a presigned link valid one minute."""
    data, content_type = build(code, name, now)
    key = f"{PREFIX}{code}/{secrets.token_hex(16)}"
    bucket = settings.current().upload_bucket
    s3 = aws.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
    filename = f"relais-{code}-{name.replace('.', f'-{now.date().isoformat()}.')}"
    return s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=LINK_SECONDS,
    )

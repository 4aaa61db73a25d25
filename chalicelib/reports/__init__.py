"""reports: department indicators, labels and spreadsheet-safe CSV (pure)."""

from chalicelib.reports.export import neutralise_cell, safe_csv
from chalicelib.reports.indicators import (
    ReferralFacts,
    YouthFacts,
    department_report,
    is_pathway_risk,
)

__all__ = [
    "ReferralFacts",
    "YouthFacts",
    "department_report",
    "is_pathway_risk",
    "neutralise_cell",
    "safe_csv",
]

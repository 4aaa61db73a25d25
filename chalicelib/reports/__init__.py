"""reports: department indicators, labels and spreadsheet-safe CSV (pure)."""

from chalicelib.reports.export import neutralise_cell, safe_csv
from chalicelib.reports.indicators import (
    ReferralFacts,
    YouthFacts,
    add_months,
    department_report,
    is_pathway_risk,
    risk_parts,
)

__all__ = [
    "ReferralFacts",
    "YouthFacts",
    "add_months",
    "department_report",
    "is_pathway_risk",
    "neutralise_cell",
    "risk_parts",
    "safe_csv",
]

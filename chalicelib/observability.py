"""Logs and metrics: Powertools Logger (JSON) and metrics in the embedded metric format (EMF).

Every event of SPEC §9 is a metric in namespace ``RelaisASE``. CloudWatch bills each metric (name
and dimension values) for every hour it receives data, so (docs/COSTS.md): every metric is
national (no dimension; ``Channel`` for ``MessagesSent``), and only the rare metrics a department
must act on (``BY_DEPARTMENT``: failures, no partner, escalations, bounces, complaints) also get
a ``Department`` series — alarmed and charted per department at the price of the hours they
occur. Every blob carries ``Department`` as a property, so any metric is split by department
with the Logs Insights queries of infra/resources.yaml, without a metric per department.
Never put personal data in a log line, a property or a dimension: ids, counts and codes only.
"""

from __future__ import annotations

import json
import sys
import time
import traceback

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "RelaisASE"

# The metric catalog: name -> unit. The dashboard (infra/) must show every one of them.
METRICS: dict[str, MetricUnit] = {
    "RosterRowsReceived": MetricUnit.Count,
    "RosterRowsRejected": MetricUnit.Count,
    "YouthsExited": MetricUnit.Count,
    "ReferralsCreated": MetricUnit.Count,
    "MessagesSent": MetricUnit.Count,
    "SendFailures": MetricUnit.Count,
    "Bounces": MetricUnit.Count,
    "Complaints": MetricUnit.Count,
    "AcksReceived": MetricUnit.Count,
    "AckDelayHours": MetricUnit.Count,
    "Reminders": MetricUnit.Count,
    "Escalations": MetricUnit.Count,
    "NoPartnerFound": MetricUnit.Count,
    "PathwayRisks": MetricUnit.Count,
}


class _CurrentStdout:
    """Lambda's stdout, looked up at each write (so redirections and test capture apply)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


# POWERTOOLS_SERVICE_NAME stays unset: powertools would add it as a metric dimension.
logger = Logger(service="relais-ase", stream=_CurrentStdout())  # type: ignore[arg-type]


BY_DEPARTMENT = frozenset(
    {"SendFailures", "NoPartnerFound", "Escalations", "Bounces", "Complaints"}
)


def emit(name: str, value: float, *, department: str, channel: str | None = None) -> None:
    """Emit one metric now, as its own EMF blob: the national series (``Channel`` for
    ``MessagesSent``), plus the ``Department`` series for ``BY_DEPARTMENT``."""
    if name not in METRICS:
        raise KeyError(f"unknown metric {name}")
    dimensions: list[list[str]] = [["Channel"] if name == "MessagesSent" and channel else []]
    if name in BY_DEPARTMENT:
        dimensions.append(["Department"])
    blob: dict = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": dimensions,
                    "Metrics": [{"Name": name, "Unit": METRICS[name].value}],
                }
            ],
        },
        name: float(value),
        "Department": department,
    }
    if channel:
        blob["Channel"] = channel
    sys.stdout.write(json.dumps(blob, separators=(",", ":")) + "\n")


def log_failure(message: str, error: BaseException, **ids: str) -> None:
    """Log an unexpected error by its type and where it happened — never its message, which may
    quote data (a cell, an address) that must not reach the logs."""
    frames = traceback.extract_tb(error.__traceback__)[-6:]
    logger.error(
        message,
        extra={
            **ids,
            "error": type(error).__name__,
            "where": [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}" for frame in frames],
        },
    )

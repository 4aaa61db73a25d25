"""Logs and metrics: Powertools Logger (JSON) and Metrics (embedded metric format).

Every event of SPEC §9 is a metric in namespace ``RelaisASE`` with dimension ``Department``
(plus ``Channel`` for ``MessagesSent``). Never put personal data in a log line or a dimension:
log referral ids, counts and codes only.
"""

from __future__ import annotations

import sys
import traceback

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric

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


def emit(name: str, value: float, *, department: str, channel: str | None = None) -> None:
    """Emit one metric now, as its own EMF blob (dimensions differ from event to event)."""
    if name not in METRICS:
        raise KeyError(f"unknown metric {name}")
    with single_metric(
        name=name,
        unit=METRICS[name],
        value=value,
        namespace=NAMESPACE,
        default_dimensions={"Department": department},
    ) as metric:
        if channel:
            metric.add_dimension(name="Channel", value=channel)


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

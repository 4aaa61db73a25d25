"""What the product prints (Powertools JSON logs and EMF blobs), counted instead of shown.

On Lambda all of it goes to CloudWatch Logs, which bills the bytes: the bench keeps the count.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Printed:
    bytes: int = 0
    log_lines: int = 0
    emf_blobs: int = 0
    metrics: Counter = field(default_factory=Counter)  # metric name -> blobs


class _CountingStream:
    def __init__(self, printed: Printed) -> None:
        self.printed = printed
        self._pending = ""

    def write(self, text: str) -> int:
        self.printed.bytes += len(text.encode("utf-8"))
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._line(line)
        return len(text)

    def flush(self) -> None:
        """Nothing is kept: counting needs no flush."""

    def _line(self, line: str) -> None:
        if not line.strip():
            return
        try:
            blob = json.loads(line)
        except ValueError:
            self.printed.log_lines += 1
            return
        if isinstance(blob, dict) and "_aws" in blob:
            self.printed.emf_blobs += 1
            for definition in blob["_aws"].get("CloudWatchMetrics", []):
                for metric in definition.get("Metrics", []):
                    self.printed.metrics[metric["Name"]] += 1
        else:
            self.printed.log_lines += 1


@contextmanager
def counted() -> Iterator[Printed]:
    """Within the block, the product's stdout is counted (bytes, log lines, EMF blobs)."""
    printed = Printed()
    real: TextIO = sys.stdout
    sys.stdout = _CountingStream(printed)  # type: ignore[assignment]
    try:
        yield printed
    finally:
        sys.stdout = real

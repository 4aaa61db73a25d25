"""A fresh process running the S3 upload handler on one object, as the Lambda would.

``python -m bench.memory_child BUCKET KEY`` (environment inherited from the bench): imports
``app`` like the Lambda runtime, then ``uploads.process_object``; prints one JSON line with its
peak RSS (``VmHWM``), the RSS after imports, the time and the DynamoDB requests it made.
The product's own logs go to /dev/null here.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def _rss_mb() -> float:
    """This process's peak RSS. ``VmHWM`` starts afresh at exec; ``ru_maxrss`` would carry the
    parent's RSS at fork into the child, so it is only the fallback."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(bucket: str, key: str) -> dict:
    from bench.meter import AwsMeter
    from bench.world import gsi_keys

    meter = AwsMeter(gsi_keys())
    meter.install()
    import app  # noqa: F401  (what the Lambda runtime loads before calling the handler)
    from chalicelib.roster import uploads

    after_imports = _rss_mb()
    with meter.measure() as reading:
        started = time.perf_counter()
        status = uploads.process_object(bucket, key)
        seconds = time.perf_counter() - started
    return {
        "status": status,
        "rss_after_imports_mb": after_imports,
        "peak_rss_mb": _rss_mb(),
        "seconds": round(seconds, 2),
        "dynamodb_write_requests": reading.dynamodb_writes,
        "dynamodb_read_requests": reading.dynamodb_reads,
        "by_operation": reading.summary()["by_operation"],
    }


if __name__ == "__main__":
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the product's logs, for the whole run)
    result = main(*sys.argv[1:3])
    real_stdout.write(json.dumps(result) + "\n")

"""Fan-out of the scheduled jobs: schedules enqueue per-department work on SQS, workers run it.

Kept free of imports: ``app.py`` reads ``SEND_WORKERS`` at import time (cold starts).
"""

SEND_WORKERS = 2  # maximum concurrency of the send worker: each takes half the sending rate

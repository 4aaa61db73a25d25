"""Test environment: every AWS call goes to an embedded moto server on loopback.

The environment is set at import, before anything creates a client, so no test can reach AWS.
"""

from __future__ import annotations

import os

os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="eu-west-3",
    # the values of the dev stage (.chalice/config.json), which chalice.test.Client applies
    RELAIS_STAGE="dev",
    RELAIS_TABLE_PREFIX="relais-dev",
    PUBLIC_BASE_URL="http://127.0.0.1:8000",
    # moto's fake SES account allows 1 email a second; the pacing is tested on its own
    RELAIS_SEND_RATE="200",
)
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # until the server starts

pytest_plugins = ["tests.fixtures.aws", "tests.fixtures.privacy", "tests.fixtures.console"]

"""Runtime settings, read from the environment (the Chalice stage config sets them on AWS).

Read lazily at each use: ``chalice.test.Client`` only sets config variables during an invoke.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    upload_bucket: str
    ses_sender: str
    ses_configuration_set: str
    ses_events_topic: str
    jobs_queue: str
    sends_queue: str
    secret_name: str
    sms_sender_id: str
    public_base_url: str
    region: str
    endpoint_url: str | None
    usage_plan_id: str | None = (
        None  # the stack's per-key usage plan; none locally (auth.usage_plan)
    )

    def table(self, short_name: str) -> str:
        return f"{self.table_prefix}-{short_name}"

    @property
    def is_local(self) -> bool:
        return bool(self.endpoint_url)


def current() -> Settings:
    env = os.environ
    stage = env.get("RELAIS_STAGE", "dev")
    return Settings(
        stage=stage,
        table_prefix=env.get("RELAIS_TABLE_PREFIX", f"relais-{stage}"),
        upload_bucket=env.get("RELAIS_UPLOAD_BUCKET", f"relais-{stage}-uploads"),
        ses_sender=env.get("RELAIS_SES_SENDER", "relais-ase@relais-ase.example.fr"),
        ses_configuration_set=env.get("RELAIS_SES_CONFIGURATION_SET", f"relais-{stage}-events"),
        ses_events_topic=env.get("RELAIS_SES_EVENTS_TOPIC", f"relais-{stage}-ses-events"),
        jobs_queue=env.get("RELAIS_JOBS_QUEUE", f"relais-{stage}-jobs"),
        sends_queue=env.get("RELAIS_SENDS_QUEUE", f"relais-{stage}-sends"),
        secret_name=env.get("RELAIS_SECRET_NAME", f"relais-{stage}/ack-token-key"),
        sms_sender_id=env.get("RELAIS_SMS_SENDER_ID", "RelaisASE"),
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or "eu-west-3",
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        usage_plan_id=env.get("RELAIS_USAGE_PLAN_ID") or None,
    )

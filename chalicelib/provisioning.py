"""Create every resource the app needs at the configured endpoint, idempotently.

For the embedded endpoint (``make run``, tests). On AWS, ``infra/`` creates the same resources.
Locally it also wires what Lambda triggers do on AWS: S3 upload events and SES delivery events are
sent to SQS queues that the local event pump (``chalicelib.local.pump``) hands to the same handlers.
"""

from __future__ import annotations

import base64
import json
import secrets

from botocore.exceptions import ClientError

from chalicelib import aws, settings
from chalicelib.store import tables

LOCAL_S3_QUEUE = "s3-events"
LOCAL_SES_QUEUE = "ses-events"
# Work queues as in infra/resources.yaml, but a failed item comes back after 30 s (the loop of
# `make run`) instead of 30 minutes.
LOCAL_VISIBILITY_SECONDS = 30
MAX_RECEIVES = 5  # then the dead-letter queue


def provision() -> dict[str, object]:
    current = settings.current()
    created_tables = tables.create_missing()
    for table in tables.schemas():
        if table.name not in created_tables:
            _ensure_indexes(table)
    _ensure_bucket(current.upload_bucket, current.region)
    topic_arn = aws.client("sns").create_topic(Name=current.ses_events_topic)["TopicArn"]
    _ensure_ses(current.ses_sender, current.ses_configuration_set, topic_arn)
    _ensure_secret(current.secret_name)
    for queue in (current.jobs_queue, current.sends_queue):
        _ensure_work_queue(queue)
    _ensure_oidc_secret()
    if current.is_local:
        _wire_local_events(current, topic_arn)
    return {"tables_created": created_tables, "bucket": current.upload_bucket, "topic": topic_arn}


def _ensure_indexes(table: tables.TableSchema) -> None:
    """A table made by an older version gets the indexes added since (one per update, as
    DynamoDB allows)."""
    client = aws.client("dynamodb")
    name, schema = table.name, table.schema
    described = client.describe_table(TableName=name)["Table"]
    present = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
    for index in schema["global_secondary_indexes"]:
        if index["index_name"] in present:
            continue
        client.update_table(
            TableName=name,
            AttributeDefinitions=schema["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": index["index_name"],
                        "KeySchema": index["key_schema"],
                        "Projection": index["projection"],
                    }
                }
            ],
        )
        client.get_waiter("table_exists").wait(TableName=name)


def _ensure_bucket(name: str, region: str) -> None:
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=name)
        return
    except ClientError:
        pass
    kwargs: dict = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)
    # the console's script POSTs files straight to the bucket (as infra/ allows on AWS)
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["PUT", "POST"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _ensure_ses(sender: str, configuration_set: str, topic_arn: str) -> None:
    ses = aws.client("ses")
    domain = sender.split("@", 1)[1]
    ses.verify_domain_identity(Domain=domain)
    ses.verify_email_identity(EmailAddress=sender)
    existing = ses.list_configuration_sets().get("ConfigurationSets", [])
    if configuration_set not in {item["Name"] for item in existing}:
        ses.create_configuration_set(ConfigurationSet={"Name": configuration_set})
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=configuration_set,
            EventDestination={
                "Name": "delivery-events",
                "Enabled": True,
                "MatchingEventTypes": ["bounce", "complaint", "delivery", "reject"],
                "SNSDestination": {"TopicARN": topic_arn},
            },
        )
    for kind in ("Bounce", "Complaint", "Delivery"):
        ses.set_identity_notification_topic(
            Identity=domain, NotificationType=kind, SnsTopic=topic_arn
        )


def _ensure_secret(name: str) -> None:
    manager = aws.client("secretsmanager")
    try:
        manager.describe_secret(SecretId=name)
    except ClientError:
        key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        manager.create_secret(Name=name, SecretString=json.dumps({"ack_token_key": key}))


def _ensure_work_queue(name: str) -> None:
    """The work queue and its dead-letter queue (redrive after ``MAX_RECEIVES`` receptions)."""
    sqs = aws.client("sqs")
    dead = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    redrive = {
        "deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"],
        "maxReceiveCount": str(MAX_RECEIVES),
    }
    sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(LOCAL_VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps(redrive),
        },
    )


def _ensure_oidc_secret() -> None:
    """The console's OIDC client secret. Locally the mock provider accepts any secret: a random
    one is stored; on AWS the operator puts ProConnect's (docs/DEPLOY.md)."""
    from chalicelib.console import oidc

    manager = aws.client("secretsmanager")
    name = oidc.provider().secret_name
    try:
        manager.describe_secret(SecretId=name)
    except ClientError:
        value = secrets.token_urlsafe(32)
        manager.create_secret(Name=name, SecretString=json.dumps({"client_secret": value}))


def _wire_local_events(current: settings.Settings, topic_arn: str) -> None:
    sqs = aws.client("sqs")
    prefix = current.table_prefix
    s3_queue = sqs.create_queue(QueueName=f"{prefix}-{LOCAL_S3_QUEUE}")["QueueUrl"]
    ses_queue = sqs.create_queue(QueueName=f"{prefix}-{LOCAL_SES_QUEUE}")["QueueUrl"]
    s3_arn = sqs.get_queue_attributes(QueueUrl=s3_queue, AttributeNames=["QueueArn"])
    ses_arn = sqs.get_queue_attributes(QueueUrl=ses_queue, AttributeNames=["QueueArn"])
    aws.client("s3").put_bucket_notification_configuration(
        Bucket=current.upload_bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": s3_arn["Attributes"]["QueueArn"],
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}},
                }
            ]
        },
    )
    aws.client("sns").subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=ses_arn["Attributes"]["QueueArn"]
    )

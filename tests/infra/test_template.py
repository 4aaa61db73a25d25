"""infra/resources.yaml against the code: tables vs PynamoDB models, dashboard vs metric catalog,
alarms, IAM policies vs tables, stage config vs resource names. Static: no AWS, no packaging
(tests/infra/test_package.py packages the app and runs cfn-lint and checkov on the result).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.cfn import (
    ACCOUNT,
    CHALICE_DIR,
    REGION,
    RESOURCES,
    ROOT,
    STAGES,
    allowed_actions,
    as_list,
    grants,
    load_policy,
    load_template,
    resolve,
    resources_of,
    table_names,
)

MODEL_NAMES = (
    "Department",
    "ApiKey",
    "Youth",
    "Referral",
    "Message",
    "DirectoryItem",
    "AuditEvent",
    "Upload",
    "ConsoleItem",
    "Alert",
    "PartnerSpace",
)
NO_SCAN_TABLES = ("youths", "referrals", "messages", "alerts")
AUDIT_FORBIDDEN = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "dynamodb:DeleteTable",
    "dynamodb:UpdateTable",
    "dynamodb:UpdateTimeToLive",
)
EMIT_CALL = re.compile(r"\bemit\(\s*\"(\w+)\"")


@pytest.fixture(scope="module")
def template() -> dict:
    return load_template(RESOURCES)


@pytest.fixture(scope="module")
def models() -> dict:
    """Model class name -> class. Fails (never skips) when the storage module is missing."""
    from chalicelib.store import models as module

    return {name: getattr(module, name) for name in MODEL_NAMES}


def _suffix(table_name: str, stage: str) -> str:
    prefix = f"relais-{stage}-"
    assert table_name.startswith(prefix), table_name
    return table_name[len(prefix) :]


def _table_by_suffix(template: dict) -> dict[str, dict]:
    tables = resources_of(template, "AWS::DynamoDB::Table")
    return {
        _suffix(resolve(body["Properties"]["TableName"], "dev"), "dev"): body["Properties"]
        for body in tables.values()
    }


def _model_suffix(model: type) -> str:
    """``keys`` for ``relais-dev-keys``: the table names are ``{RELAIS_TABLE_PREFIX}-{suffix}``."""
    return model.Meta.table_name.rsplit("-", 1)[-1]


def _keys(key_schema: list[dict]) -> dict[str, str]:
    return {item["KeyType"]: item["AttributeName"] for item in key_schema}


# --- (d) tables vs PynamoDB models ---------------------------------------------------------------
def test_every_model_has_its_table_and_every_table_its_model(template: dict, models: dict) -> None:
    template_tables = set(_table_by_suffix(template))
    model_tables = {_model_suffix(model) for model in models.values()}
    assert template_tables == model_tables


@pytest.mark.parametrize("model_name", MODEL_NAMES)
def test_table_keys_indexes_and_ttl_match_the_model(
    template: dict, models: dict, model_name: str
) -> None:
    model = models[model_name]
    table = _table_by_suffix(template)[_model_suffix(model)]
    schema = model._get_schema()

    expected_keys = {"HASH": model._hash_keyname}
    if model._range_keyname:
        expected_keys["RANGE"] = model._range_keyname
    assert _keys(table["KeySchema"]) == expected_keys

    expected_attributes = {
        (item["AttributeName"], item["AttributeType"]) for item in schema["attribute_definitions"]
    }
    template_attributes = {
        (item["AttributeName"], item["AttributeType"]) for item in table["AttributeDefinitions"]
    }
    assert template_attributes == expected_attributes

    expected_gsis = {
        index["index_name"]: (
            _keys(index["key_schema"]),
            index["projection"]["ProjectionType"],
            sorted(index["projection"].get("NonKeyAttributes", [])),
        )
        for index in schema["global_secondary_indexes"]
    }
    template_gsis = {
        index["IndexName"]: (
            _keys(index["KeySchema"]),
            index["Projection"]["ProjectionType"],
            sorted(index["Projection"].get("NonKeyAttributes", [])),
        )
        for index in table.get("GlobalSecondaryIndexes", [])
    }
    assert template_gsis == expected_gsis
    assert not schema["local_secondary_indexes"]
    assert "LocalSecondaryIndexes" not in table

    ttl = model._ttl_attribute()
    ttl_spec = table.get("TimeToLiveSpecification")
    if ttl is None:
        assert ttl_spec is None, f"{model_name} has no TTLAttribute but its table has a TTL"
    else:
        assert ttl_spec == {"AttributeName": ttl.attr_name, "Enabled": True}


def test_tables_are_on_demand_encrypted_recoverable_and_protected_in_prod(template: dict) -> None:
    for logical, body in resources_of(template, "AWS::DynamoDB::Table").items():
        props = body["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["SSESpecification"]["SSEType"] == "KMS"
        assert props["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}
        assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}
        assert body["DeletionPolicy"] == "Retain", logical
    assert template["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    key = template["Resources"]["DataKey"]["Properties"]
    assert key["EnableKeyRotation"] is True


def test_audit_table_is_the_only_one_without_ttl_besides_reference_data(template: dict) -> None:
    without_ttl = {
        suffix
        for suffix, props in _table_by_suffix(template).items()
        if "TimeToLiveSpecification" not in props
    }
    assert without_ttl == {"departments", "keys", "audit"}


# --- (e) dashboard and alarms ---------------------------------------------------------------------
def _dashboard(template: dict) -> dict:
    (body,) = resources_of(template, "AWS::CloudWatch::Dashboard").values()
    return json.loads(resolve(body["Properties"]["DashboardBody"], "prod"))


def _expressions(dashboard: dict) -> list[str]:
    found = []
    for widget in dashboard["widgets"]:
        for line in widget.get("properties", {}).get("metrics", []):
            found.extend(item["expression"] for item in line if isinstance(item, dict))
    return found


def _shown_metrics(dashboard: dict) -> set[str]:
    shown = set()
    for expression in _expressions(dashboard):
        if "RelaisASE" not in expression:
            continue
        shown.update(re.findall(r'MetricName="(\w+)"', expression))
        shown.update(re.findall(r"\b(?:SUM|AVG|MAX|MIN|COUNT)\((\w+)\)", expression))
    return shown


def _emitted_metrics() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        for name in EMIT_CALL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_dashboard_shows_every_metric_of_the_catalog(template: dict) -> None:
    from chalicelib.observability import METRICS, NAMESPACE

    assert NAMESPACE == "RelaisASE"
    missing = set(METRICS) - _shown_metrics(_dashboard(template))
    assert not missing, f"metrics absent from the dashboard: {sorted(missing)}"


def test_every_metric_emitted_in_the_code_is_in_the_catalog_and_on_the_dashboard(
    template: dict,
) -> None:
    from chalicelib.observability import METRICS

    emitted = _emitted_metrics()
    assert emitted, 'no emit("...") call found in chalicelib: the grep is broken'
    unknown = {name: where for name, where in emitted.items() if name not in METRICS}
    assert not unknown, f"emit() of metrics missing from METRICS: {unknown}"
    assert set(emitted) <= _shown_metrics(_dashboard(template))


def test_dashboard_searches_every_department_and_splits_messages_by_channel(
    template: dict,
) -> None:
    expressions = _expressions(_dashboard(template))
    searches = [e for e in expressions if e.startswith("SEARCH(") and "RelaisASE" in e]
    # MessagesSent carries Channel and the rare metrics a Department series too: an exact schema
    # search such as {RelaisASE} would miss some, so none is used.
    assert searches and all("{RelaisASE" not in e for e in searches)
    assert any("MessagesSent" in e and "GROUP BY Channel" in e for e in expressions)


def _alarms(template: dict) -> dict[str, dict]:
    return {
        name: body["Properties"]
        for name, body in resources_of(template, "AWS::CloudWatch::Alarm").items()
    }


@pytest.mark.parametrize("metric", ["SendFailures", "NoPartnerFound", "Escalations"])
def test_business_alarm_watches_the_national_series(template: dict, metric: str) -> None:
    # every blob carries the national series (no dimension): one metric per alarm, all
    # departments included (chalicelib/observability.py)
    matching = [
        props
        for props in _alarms(template).values()
        if props.get("Namespace") == "RelaisASE" and props.get("MetricName") == metric
    ]
    assert len(matching) == 1, f"one alarm on the national {metric}"
    (props,) = matching
    assert "Dimensions" not in props and props["Statistic"] == "Sum"
    assert props["TreatMissingData"] == "notBreaching"


def test_logs_insights_queries_split_every_metric_by_department(template: dict) -> None:
    from chalicelib.observability import METRICS

    queries = resources_of(template, "AWS::Logs::QueryDefinition")
    (by_department,) = [
        q["Properties"]["QueryString"]
        for q in queries.values()
        if "metrics-by-department" in q["Properties"]["Name"]["Fn::Sub"]
    ]
    assert "by Department" in by_department
    assert {name for name in METRICS if f"({name})" not in by_department} == set()


def test_api_5xx_alarm_watches_the_stage_api(template: dict) -> None:
    api = [p for p in _alarms(template).values() if p.get("MetricName") == "5XXError"]
    assert len(api) == 1
    dimensions = {d["Name"]: d["Value"] for d in api[0]["Dimensions"]}
    name = template["Resources"]["RestAPI"]["Properties"]["Name"]
    assert dimensions["ApiName"] == name
    assert dimensions["Stage"] == "api"


def test_every_alarm_notifies_the_alarm_topic(template: dict) -> None:
    for name, props in _alarms(template).items():
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert props["OKActions"] == [{"Ref": "AlarmTopic"}], name


SQS_WORKERS = {"JobWorker": "JobsQueue", "SendWorker": "SendsQueue"}


def test_every_work_queue_has_a_dead_letter_queue_watched_by_an_alarm(template: dict) -> None:
    resources = template["Resources"]
    watched = {
        props["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for props in _alarms(template).values()
        if props.get("Namespace") == "AWS/SQS"
    }
    for queue in SQS_WORKERS.values():
        props = resources[queue]["Properties"]
        (dead_letter, _) = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"]
        assert dead_letter in watched, f"no alarm on {dead_letter}"
        assert props["VisibilityTimeout"] >= 6 * 300 and "KmsMasterKeyId" in props


def test_every_lambda_has_log_group_error_alarm_and_failure_queue(template: dict) -> None:
    functions = {
        logical: body
        for logical, body in template["Resources"].items()
        if "FunctionName" in body.get("Properties", {})
    }
    assert "APIHandler" in functions
    log_groups = {
        resolve(body["Properties"]["LogGroupName"], "prod"): body["Properties"]
        for body in resources_of(template, "AWS::Logs::LogGroup").values()
    }
    error_alarms = {
        resolve(props["Dimensions"][0]["Value"], "prod")
        for props in _alarms(template).values()
        if props.get("Namespace") == "AWS/Lambda" and props.get("MetricName") == "Errors"
    }
    for logical, body in functions.items():
        name = resolve(body["Properties"]["FunctionName"], "prod")
        assert name.startswith("relais-prod-"), name
        group = log_groups[f"/aws/lambda/{name}"]
        assert group["RetentionInDays"] >= 365 and "KmsKeyId" in group
        assert f"{logical}LogGroup" in body["DependsOn"]
        assert name in error_alarms, f"no Errors alarm for {name}"
        if logical in SQS_WORKERS:  # synchronous invocations: the queue's own DLQ
            queue = template["Resources"][SQS_WORKERS[logical]]["Properties"]
            assert queue["RedrivePolicy"]["maxReceiveCount"] >= 1
            (event,) = body["Properties"]["Events"].values()
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        elif logical not in ("APIHandler", "UsageKey"):  # API Gateway calls both synchronously
            assert body["Properties"]["DeadLetterQueue"]["TargetArn"] == {
                "Fn::GetAtt": ["FailedEventsQueue", "Arn"]
            }
        bucket = body["Properties"]["Environment"]["Variables"]["RELAIS_UPLOAD_BUCKET"]
        assert resolve(bucket, "prod") == f"relais-prod-uploads-{ACCOUNT}"


def test_ack_routes_are_throttled_harder_than_the_stage(template: dict) -> None:
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    default = next(s for s in settings if s["ResourcePath"] == "/*")
    ack = {s["HttpMethod"]: s for s in settings if s["ResourcePath"] == "/~1ack~1{token}"}
    assert set(ack) == {"GET", "POST"}
    for method in ack.values():
        assert method["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert method["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    log_format = template["Resources"]["RestAPI"]["Properties"]["AccessLogSetting"]["Format"]
    json.loads(log_format)
    assert "$context.path" not in log_format  # the path carries ack tokens


SPACE_METHODS = {
    ("/~1partenaires~1{token}", "GET"),
    ("/~1partenaires~1{token}~1orientations.csv", "GET"),
    ("/~1partenaires~1{token}~1orientations~1{referral_id}", "GET"),
    ("/~1partenaires~1{token}~1orientations~1{referral_id}", "POST"),
}


def test_the_partners_space_routes_are_throttled_harder_than_the_stage(template: dict) -> None:
    settings = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    default = next(s for s in settings if s["ResourcePath"] == "/*")
    space = [s for s in settings if (s["ResourcePath"], s["HttpMethod"]) in SPACE_METHODS]
    assert len(space) == len(SPACE_METHODS)
    for method in space:
        assert method["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert method["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]


def test_upload_bucket_is_private_encrypted_and_short_lived(template: dict) -> None:
    bucket = template["Resources"]["UploadBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    expiry = [r for r in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r]
    # uploads 3 days; the console's staged imports and exports (personal data) 1 day
    assert [(r["Prefix"], r["ExpirationInDays"]) for r in expiry] == [
        ("uploads/", 3),
        ("console/", 1),
        ("exports/", 1),
    ]
    # the presigned PUT of the API and the presigned POST of the console's script
    assert [c["AllowedMethods"] for c in bucket["CorsConfiguration"]["CorsRules"]] == [
        ["PUT", "POST"]
    ]
    policy = template["Resources"]["UploadBucketPolicy"]["Properties"]["PolicyDocument"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": False}}
        for s in policy["Statement"]
    )
    events = template["Resources"]["RosterUploadReceived"]["Properties"]["Events"]
    (event,) = events.values()
    assert event["Type"] == "S3"
    assert event["Properties"]["Bucket"] == {"Ref": "UploadBucket"}
    assert event["Properties"]["Filter"]["S3Key"]["Rules"] == [
        {"Name": "prefix", "Value": "uploads/"}
    ]


def test_checkov_skips_are_justified(template: dict) -> None:
    skips = [
        (logical, skip)
        for logical, body in template["Resources"].items()
        for skip in body.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips
    for logical, skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (logical, skip)
        assert len(skip.get("comment", "")) >= 40, f"{logical}: {skip['id']} needs a justification"


# --- (f) IAM policies ----------------------------------------------------------------------------
def _table_arn(name: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


@pytest.mark.parametrize("stage", STAGES)
def test_policy_covers_every_table_and_index_of_the_template(template: dict, stage: str) -> None:
    policy = load_policy(stage)
    for logical, name in table_names(template, stage).items():
        assert grants(policy, "dynamodb:PutItem", _table_arn(name)), logical
        assert grants(policy, "dynamodb:Query", _table_arn(name)), logical
        if not name.endswith("-audit"):
            for action in ("GetItem", "UpdateItem", "DeleteItem", "BatchWriteItem"):
                assert grants(policy, f"dynamodb:{action}", _table_arn(name)), (logical, action)
        props = template["Resources"][logical]["Properties"]
        for index in props.get("GlobalSecondaryIndexes", []):
            index_arn = f"{_table_arn(name)}/index/{index['IndexName']}"
            assert grants(policy, "dynamodb:Query", index_arn), index_arn


@pytest.mark.parametrize("stage", STAGES)
def test_policy_never_scans_youths_referrals_messages(stage: str) -> None:
    policy = load_policy(stage)
    for suffix in NO_SCAN_TABLES:
        arn = _table_arn(f"relais-{stage}-{suffix}")
        for target in (arn, f"{arn}/index/any-index"):
            assert not grants(policy, "dynamodb:Scan", target), target
            assert not grants(policy, "dynamodb:PartiQLSelect", target), target


@pytest.mark.parametrize("stage", STAGES)
def test_policy_keeps_the_audit_append_only(stage: str) -> None:
    policy = load_policy(stage)
    arn = _table_arn(f"relais-{stage}-audit")
    for action in AUDIT_FORBIDDEN:
        assert not grants(policy, action, arn), action
    assert {a for a in allowed_actions(policy, arn) if a.startswith("dynamodb:")} == {
        "dynamodb:putitem",
        "dynamodb:query",
    }


def _scanned_models() -> set[str]:
    scanned = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        if {"local", "cli"} & set(path.relative_to(ROOT).parts):
            continue
        scanned.update(re.findall(r"\b([A-Z]\w+)\.scan\(", path.read_text(encoding="utf-8")))
    return scanned


@pytest.mark.parametrize("stage", STAGES)
def test_every_scan_in_the_code_is_allowed_and_none_on_the_big_tables(
    models: dict, stage: str
) -> None:
    policy = load_policy(stage)
    for model_name in _scanned_models():
        model = models.get(model_name)
        assert model is not None, f"{model_name}.scan( in chalicelib: not a known model"
        suffix = _model_suffix(model)
        assert suffix not in NO_SCAN_TABLES, f"{model_name}.scan() would read a whole table"
        arn = _table_arn(f"relais-{stage}-{suffix}")
        assert grants(policy, "dynamodb:Scan", arn), f"{model_name}.scan() is denied on AWS"


@pytest.mark.parametrize("stage", STAGES)
def test_policy_reaches_the_other_resources_of_the_stage(template: dict, stage: str) -> None:
    policy = load_policy(stage)
    props = {name: body.get("Properties", {}) for name, body in template["Resources"].items()}
    bucket = resolve(props["UploadBucket"]["BucketName"], stage)
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        assert grants(policy, action, f"arn:aws:s3:::{bucket}/uploads/59/upl_1")
    assert not grants(policy, "s3:PutObject", f"arn:aws:s3:::{bucket}/elsewhere")
    secret = resolve(props["AckTokenSecret"]["Name"], stage)
    secret_arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{secret}-AbC123"
    assert grants(policy, "secretsmanager:GetSecretValue", secret_arn)
    config_set = resolve(props["SesConfigurationSet"]["Name"], stage)
    arn = f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{config_set}"
    assert grants(policy, "ses:SendRawEmail", arn)
    queue = resolve(props["FailedEventsQueue"]["QueueName"], stage)
    assert grants(policy, "sqs:SendMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}")
    alias = resolve(props["DataKeyAlias"]["AliasName"], stage)
    kms = [s for s in policy["Statement"] if any(a.startswith("kms:") for a in s["Action"])]
    assert [s["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] for s in kms] == [
        alias
    ]
    for body in props.values():
        name = body.get("FunctionName")
        if name:
            group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{resolve(name, stage)}"
            assert grants(policy, "logs:PutLogEvents", f"{group}:log-stream:2026/01/01/x")


def test_only_sms_publish_and_the_sending_quota_are_unscoped() -> None:
    # neither has a resource ARN in IAM: SMS go to phone numbers, the quota is the account's
    for stage in STAGES:
        unscoped = [s for s in load_policy(stage)["Statement"] if "*" in as_list(s["Resource"])]
        assert [s["Action"] for s in unscoped] == [["ses:GetSendQuota"], ["sns:Publish"]]


def test_the_usage_key_authorizer_may_only_write_its_own_logs() -> None:
    for stage in STAGES:
        policy = json.loads((CHALICE_DIR / f"policy-usage-key-{stage}.json").read_text("utf-8"))
        actions = {action for s in policy["Statement"] for action in as_list(s["Action"])}
        assert actions == {"logs:CreateLogStream", "logs:PutLogEvents"}
        group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/relais-{stage}-usage-key"
        assert grants(policy, "logs:PutLogEvents", f"{group}:log-stream:2026/01/01/x")
        assert not grants(policy, "logs:PutLogEvents", group.replace("usage-key", "api"))


def test_dev_and_prod_policies_differ_only_by_stage() -> None:
    dev = (CHALICE_DIR / "policy-dev.json").read_text(encoding="utf-8")
    prod = (CHALICE_DIR / "policy-prod.json").read_text(encoding="utf-8")
    assert dev.replace("relais-dev", "relais-STAGE") == prod.replace("relais-prod", "relais-STAGE")


# --- stage config vs template --------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_stage_config_names_the_resources_of_the_template(template: dict, stage: str) -> None:
    config = json.loads((CHALICE_DIR / "config.json").read_text(encoding="utf-8"))
    stage_config = config["stages"][stage]
    env = {**config.get("environment_variables", {}), **stage_config["environment_variables"]}
    props = {name: body.get("Properties", {}) for name, body in template["Resources"].items()}
    assert config.get("autogen_policy") is False
    assert stage_config["iam_policy_file"] == f"policy-{stage}.json"
    assert stage_config.get("api_gateway_stage", "api") == "api"
    assert env["RELAIS_STAGE"] == stage
    assert env["RELAIS_TABLE_PREFIX"] == f"relais-{stage}"
    assert env["RELAIS_SES_CONFIGURATION_SET"] == resolve(
        props["SesConfigurationSet"]["Name"], stage
    )
    assert env["RELAIS_SES_EVENTS_TOPIC"] == resolve(props["SesEventsTopic"]["TopicName"], stage)
    assert env["RELAIS_SECRET_NAME"] == resolve(props["AckTokenSecret"]["Name"], stage)
    # France: alphanumeric sender id, at most 11 characters, at least one letter
    assert re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,11}", env["RELAIS_SMS_SENDER_ID"])
    if stage == "prod":
        assert env["PUBLIC_BASE_URL"].startswith("https://")


def test_deploy_script_is_strict_and_passes_the_stage() -> None:
    script = (ROOT / "infra" / "deploy.sh").read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script
    assert "--merge-template infra/resources.yaml" in script
    assert "Stage=${STAGE}" in script
    assert "CAPABILITY_IAM CAPABILITY_AUTO_EXPAND" in script
    assert Path(ROOT / "infra" / "deploy.sh").stat().st_mode & 0o111, "deploy.sh not executable"


def test_each_api_key_is_throttled_apart_by_a_usage_plan_on_the_api_stage(template):
    resources = template["Resources"]
    plan = resources["ApiUsagePlan"]["Properties"]
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "RestAPI"}, "Stage": "api"}]
    throttle = plan["Throttle"]
    assert 0 < throttle["RateLimit"] <= throttle["BurstLimit"]
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    # the limits DEPLOY.md states are the template's
    deploy = (Path(__file__).resolve().parents[2] / "docs" / "DEPLOY.md").read_text("utf-8")
    rate, burst = throttle["RateLimit"], throttle["BurstLimit"]
    assert f"{rate} requests a second, bursts of {burst}" in deploy


def test_no_waf_web_acl_is_billed_by_the_month(template):
    # a web ACL is 5 USD a month plus 1 USD a rule (docs/COSTS.md): the usage plan is free
    kinds = {body.get("Type", "") for body in template["Resources"].values()}
    assert not any(kind.startswith("AWS::WAFv2::") for kind in kinds)

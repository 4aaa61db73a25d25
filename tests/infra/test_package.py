"""`chalice package --merge-template infra/resources.yaml` as deploy.sh runs it, then the result:
the Lambda zip, the merge (every addition lands on a resource Chalice generated), cfn-lint, checkov.

Slow (the first packaging downloads the Lambda wheels of requirements.txt into Chalice's cache),
but part of `make test`. Checkov runs from its own virtualenv: CHECKOV_BIN, else .venv-checkov.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.cfn import (
    CHALICE_DIR,
    REGION,
    ROOT,
    STAGES,
    load_template,
    resolve,
    resources_of,
)

pytestmark = pytest.mark.slow

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
# Chalice function name -> logical id in the SAM template (CamelCase; the API is "APIHandler").
FUNCTIONS = {
    "api_handler": "APIHandler",
    "daily_scan": "DailyScan",
    "dispatch": "Dispatch",
    "followups": "Followups",
    "weekly_digest": "WeeklyDigest",
    "alert_digest": "AlertDigest",
    "stuck_uploads": "StuckUploads",
    "roster_upload_received": "RosterUploadReceived",
    "ses_events": "SesEvents",
    "job_worker": "JobWorker",
    "send_worker": "SendWorker",
    "usage_key": "UsageKey",
}
SCHEDULED = ("DailyScan", "Dispatch", "Followups", "WeeklyDigest", "AlertDigest", "StuckUploads")


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def _package_env() -> dict[str, str]:
    """The caller's environment without the local endpoint nor the test settings of conftest:
    the app imported by Chalice must see only the stage config, as on a deploy machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RELAIS_", "AWS_ENDPOINT_URL", "PUBLIC_BASE_URL"))
    }
    env.setdefault("AWS_DEFAULT_REGION", REGION)
    return env


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Stage -> output directory of `chalice package` (the second stage reuses the zip cache)."""
    outputs = {}
    for stage in STAGES:
        out = tmp_path_factory.mktemp(f"package-{stage}") / "out"
        command = [
            _tool("chalice"),
            "package",
            "--stage",
            stage,
            "--merge-template",
            "infra/resources.yaml",
            str(out),
        ]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env={**_package_env(), "RELAIS_STAGE": stage},  # as deploy.sh exports it
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if result.returncode != 0:
            hint = ""
            if "on_s3_event" in result.stderr:
                hint = (
                    "\nHINT: Chalice cannot package @app.on_s3_event; declare "
                    "@app.lambda_function(name='roster_upload_received') taking the raw S3 "
                    "event: infra/resources.yaml attaches the bucket's trigger to it."
                )
            pytest.fail(
                f"chalice package --stage {stage} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}{hint}"
            )
        outputs[stage] = out
    return outputs


def _template_path(out: Path) -> Path:
    for name in ("sam.yaml", "sam.json"):
        if (out / name).exists():
            return out / name
    raise AssertionError(f"no SAM template in {out}: {sorted(os.listdir(out))}")


@pytest.fixture(scope="module")
def templates(packaged: dict[str, Path]) -> dict[str, dict]:
    return {stage: load_template(_template_path(out)) for stage, out in packaged.items()}


# --- (a) the deployment package -------------------------------------------------------------------
def test_zip_holds_the_app_the_library_and_every_template(packaged: dict[str, Path]) -> None:
    with zipfile.ZipFile(packaged["dev"] / "deployment.zip") as archive:
        names = set(archive.namelist())
        unzipped = sum(info.file_size for info in archive.infolist())
    assert "app.py" in names
    library = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "chalicelib").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert library and library <= names, sorted(library - names)[:10]
    shipped = {
        str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*") if path.is_file()
    }
    for kind in ("email", "sms", "pages"):
        assert any(name.startswith(f"templates/{kind}/") for name in shipped), kind
    assert shipped <= names, f"templates missing from the zip: {sorted(shipped - names)[:10]}"
    assert not any(name.startswith(("tests/", "infra/", ".chalice/", "vendor/")) for name in names)
    assert unzipped < LAMBDA_UNZIPPED_LIMIT, f"{unzipped / 2**20:.0f} MiB unzipped > 250 MiB"


# --- the merge ------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_every_merged_resource_exists_in_the_chalice_output(templates: dict, stage: str) -> None:
    """A function renamed in app.py would leave a typeless stub behind from the merge."""
    untyped = [name for name, body in templates[stage]["Resources"].items() if "Type" not in body]
    assert not untyped, f"merged into resources Chalice did not generate: {untyped}"


@pytest.mark.parametrize("stage", STAGES)
def test_lambda_logical_ids_are_the_ones_infra_extends(templates: dict, stage: str) -> None:
    functions = resources_of(templates[stage], "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS.values())
    for logical, body in functions.items():
        props = body["Properties"]
        assert "FunctionName" in props, f"{logical} not extended by infra/resources.yaml"
        assert props["Role"] == {"Fn::GetAtt": [_role_of(logical), "Arn"]}
        env = props["Environment"]["Variables"]
        assert env["RELAIS_TABLE_PREFIX"] == f"relais-{stage}"
        assert resolve(env["RELAIS_UPLOAD_BUCKET"], stage).startswith(f"relais-{stage}-uploads-")


def _role_of(logical: str) -> str:
    return "ApiHandlerRole" if logical == "APIHandler" else f"{logical}Role"


@pytest.mark.parametrize("stage", STAGES)
def test_roles_carry_the_hand_written_policy(templates: dict, stage: str) -> None:
    roles = resources_of(templates[stage], "AWS::IAM::Role")
    for logical in FUNCTIONS.values():
        # the usage-key authorizer reads and writes nothing: its own policy, its logs only
        name = f"policy-usage-key-{stage}.json" if logical == "UsageKey" else f"policy-{stage}.json"
        expected = json.loads((CHALICE_DIR / name).read_text(encoding="utf-8"))
        (policy,) = roles[_role_of(logical)]["Properties"]["Policies"]
        assert policy["PolicyDocument"] == expected


@pytest.mark.parametrize("stage", STAGES)
def test_events_reach_the_right_functions(templates: dict, stage: str) -> None:
    resources = templates[stage]["Resources"]
    for logical in SCHEDULED:
        events = resources[logical]["Properties"]["Events"]
        assert [event["Type"] for event in events.values()] == ["Schedule"], logical
    (s3,) = resources["RosterUploadReceived"]["Properties"]["Events"].values()
    assert s3["Type"] == "S3" and s3["Properties"]["Bucket"] == {"Ref": "UploadBucket"}
    (sns,) = resources["SesEvents"]["Properties"]["Events"].values()
    topic = resolve(sns["Properties"]["Topic"], stage)
    topic_name = resolve(resources["SesEventsTopic"]["Properties"]["TopicName"], stage)
    assert topic.endswith(f":{topic_name}")
    assert "SesEventsTopic" in resources["SesEvents"]["DependsOn"]
    assert "Events" not in resources["APIHandler"]["Properties"]
    for logical, queue in (("JobWorker", "JobsQueue"), ("SendWorker", "SendsQueue")):
        (sqs,) = resources[logical]["Properties"]["Events"].values()
        assert sqs["Type"] == "SQS" and sqs["Properties"]["BatchSize"] == 1
        assert sqs["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        queue_name = resolve(resources[queue]["Properties"]["QueueName"], stage)
        assert resolve(sqs["Properties"]["Queue"], stage).endswith(f":{queue_name}")


@pytest.mark.parametrize("stage", STAGES)
def test_rest_api_is_named_per_stage_and_throttles_the_ack_routes(
    templates: dict, stage: str
) -> None:
    api = templates[stage]["Resources"]["RestAPI"]["Properties"]
    assert resolve(api["Name"], stage) == f"relais-ase-{stage}"
    assert api["StageName"] == "api"
    ack_methods = {method.upper() for method in api["DefinitionBody"]["paths"]["/ack/{token}"]}
    throttled = {
        setting["HttpMethod"]
        for setting in api["MethodSettings"]
        if setting["ResourcePath"] == "/~1ack~1{token}"
    }
    assert ack_methods == throttled == {"GET", "POST"}


@pytest.mark.parametrize("stage", STAGES)
def test_every_keyed_route_and_no_public_one_counts_against_a_usage_plan_key(
    templates: dict, stage: str
) -> None:
    body = templates[stage]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    authorizer = body["securityDefinitions"]["usage_key"]
    assert authorizer["name"] == "Authorization"
    assert authorizer["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"] == 300
    for path, methods in body["paths"].items():
        keyed = path.startswith(("/departments/", "/directory/"))
        for method, operation in methods.items():
            if method.startswith("x-amazon") or method == "options":
                continue
            security = operation.get("security", [])
            expected = [{"api_key": []}, {"usage_key": []}] if keyed else []
            assert security == expected, f"{method.upper()} {path}"


@pytest.mark.parametrize("stage", STAGES)
def test_every_throttled_path_is_a_route_of_the_api(templates: dict, stage: str) -> None:
    api = templates[stage]["Resources"]["RestAPI"]["Properties"]
    paths = api["DefinitionBody"]["paths"]
    for setting in api["MethodSettings"]:
        if setting["ResourcePath"] == "/*":
            continue
        path = setting["ResourcePath"][1:].replace("~1", "/")  # "/" + the path, "/" as "~1"
        assert setting["HttpMethod"].lower() in paths[path], path


# --- (b) cfn-lint, (c) checkov --------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_cfn_lint_finds_no_error(packaged: dict[str, Path], stage: str) -> None:
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(_template_path(packaged[stage]), config=ManualArgs(regions=[REGION]))
    for match in matches:
        print(f"cfn-lint {match.rule.severity} {match.rule.id} line {match.linenumber}: {match}")
    errors = [match for match in matches if match.rule.severity == "error"]
    assert not errors, "\n".join(str(match) for match in errors)


def _checkov() -> str:
    candidate = os.environ.get("CHECKOV_BIN") or str(ROOT / ".venv-checkov" / "bin" / "checkov")
    if not Path(candidate).exists():
        pytest.fail(
            f"checkov not found at {candidate}: python3 -m venv .venv-checkov && "
            ".venv-checkov/bin/pip install checkov==3.3.30 (or set CHECKOV_BIN)"
        )
    return candidate


@pytest.mark.parametrize("stage", STAGES)
def test_checkov_passes_with_only_justified_skips(packaged: dict[str, Path], stage: str) -> None:
    command = [
        _checkov(),
        "-f",
        str(_template_path(packaged[stage])),
        "--framework",
        "cloudformation",
        "--compact",
        "--skip-download",
        "--output",
        "json",
    ]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, env=env
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"checkov gave no JSON ({result.returncode}):\n{result.stderr[-4000:]}")
    results = report["results"]
    failed = [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for check in results["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert not results.get("parsing_errors")
    assert report["summary"]["passed"] > 100
    for check in results["skipped_checks"]:
        comment = check["check_result"].get("suppress_comment", "")
        assert len(comment) >= 40, f"{check['check_id']} on {check['resource']} lacks a reason"

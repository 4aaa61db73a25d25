"""Helpers for the static infrastructure checks: load CloudFormation YAML, resolve names, IAM match.

Nothing here talks to AWS: templates are read as data, ``Fn::Sub`` strings are resolved with a
fictitious account and region, and IAM patterns are matched the way IAM does (``*`` and ``?``).
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "infra" / "resources.yaml"
CHALICE_DIR = ROOT / ".chalice"
STAGES = ("dev", "prod")
ACCOUNT = "123456789012"
REGION = "eu-west-3"
PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws"}


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader plus the short intrinsic tags (``!Sub``, ``!Ref``, ``!GetAtt``...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=_CfnLoader)


def resources_of(template: dict, kind: str) -> dict[str, dict]:
    return {
        name: body
        for name, body in template.get("Resources", {}).items()
        if body.get("Type") == kind
    }


def resolve(value: Any, stage: str) -> Any:
    """A literal for ``value``: strings as is, ``Fn::Sub`` with Stage and pseudo parameters."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        names = {"Stage": stage, **PSEUDO}

        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key not in names:
                raise ValueError(f"cannot resolve ${{{key}}} statically")
            return names[key]

        return re.sub(r"\$\{([^}!]+)\}", replace, value["Fn::Sub"])
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] == "Stage":
        return stage
    raise ValueError(f"not a static value: {value!r}")


def table_names(template: dict, stage: str) -> dict[str, str]:
    """Logical id -> resolved table name."""
    return {
        logical: resolve(body["Properties"]["TableName"], stage)
        for logical, body in resources_of(template, "AWS::DynamoDB::Table").items()
    }


def load_policy(stage: str) -> dict:
    return json.loads((CHALICE_DIR / f"policy-{stage}.json").read_text(encoding="utf-8"))


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def allowed_actions(policy: dict, resource_arn: str) -> set[str]:
    """Action patterns of every Allow statement whose Resource matches ``resource_arn``."""
    actions: set[str] = set()
    for statement in policy["Statement"]:
        if statement.get("Effect") != "Allow":
            continue
        if any(fnmatchcase(resource_arn, pattern) for pattern in as_list(statement["Resource"])):
            actions.update(action.lower() for action in as_list(statement["Action"]))
    return actions


def grants(policy: dict, action: str, resource_arn: str) -> bool:
    """True when some Allow statement grants ``action`` (wildcards included) on the resource."""
    return any(
        fnmatchcase(action.lower(), pattern) for pattern in allowed_actions(policy, resource_arn)
    )

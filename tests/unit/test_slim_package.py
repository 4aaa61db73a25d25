"""``make package`` leaves to the Lambda runtime what it provides (tools/slim_package.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tools.slim_package import slim

SHIPPED = ("app.py", "chalicelib/__init__.py", "pynamodb/models.py", "boto3_helpers/x.py")
PROVIDED = (
    "boto3/__init__.py",
    "botocore/data/ec2/2016-11-15/service-2.json.gz",
    "botocore-1.40.5.dist-info/METADATA",
    "s3transfer/manager.py",
    "jmespath/parser.py",
)


def test_the_zip_keeps_everything_but_what_the_runtime_provides(tmp_path: Path) -> None:
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in SHIPPED + PROVIDED:
            archive.writestr(name, f"# {name}\n")
    assert slim(path) == (len(SHIPPED), len(PROVIDED))
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(SHIPPED)
        assert archive.read("app.py") == b"# app.py\n"

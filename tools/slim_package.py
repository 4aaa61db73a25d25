"""Leave out of the Lambda zip what the Lambda Python runtime already provides (`make package`).

The runtime ships boto3 and botocore (with s3transfer and jmespath) on its path. Chalice packages
them anyway (pynamodb requires botocore): 22 MB of the 73 MB unzipped. Using the runtime's copy
makes the zip smaller, so each cold start downloads and unpacks less; the import itself costs the
same (bench: cold start per Lambda). The code uses only long-standing APIs of both.

    python tools/slim_package.py build/prod/deployment.zip
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

PROVIDED_BY_THE_RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath")


def provided(name: str) -> bool:
    """Is this zip member part of a package the runtime provides (or its ``.dist-info``)?"""
    top = name.split("/", 1)[0]
    return any(
        top == package or (top.startswith(f"{package}-") and top.endswith(".dist-info"))
        for package in PROVIDED_BY_THE_RUNTIME
    )


def slim(path: Path) -> tuple[int, int]:
    """Rewrite the zip at ``path`` without the provided packages; (members kept, left out)."""
    kept = dropped = 0
    slimmer = path.with_suffix(".slim.zip")
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(slimmer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for member in source.infolist():
            if provided(member.filename):
                dropped += 1
                continue
            target.writestr(member, source.read(member), zipfile.ZIP_DEFLATED, 9)
            kept += 1
    os.replace(slimmer, path)
    return kept, dropped


if __name__ == "__main__":
    kept, dropped = slim(Path(sys.argv[1]))
    print(f"{sys.argv[1]}: {kept} files kept, {dropped} left to the Lambda runtime")

"""The bench's cold start per Lambda (bench/lambda_list.py, bench/cold_lambdas.py, bench/report.py):
which Lambdas the app makes, what a first call imports, and the budget arithmetic.

Pure: no package, no child interpreter (``make bench`` does that). Modules written in tmp_path
stand for chalicelib's lazily loaded ones, never imported before the test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from chalice import Chalice, Rate

from bench.cold_lambdas import baseline, round_order, summary
from bench.lambda_list import first_call, lambdas, roots
from bench.package_variants import machine, replace_foreign_builds
from bench.report import lambda_budgets
from chalicelib.lazy import lazy


def small_app() -> Chalice:
    app = Chalice(app_name="small")

    @app.middleware("http")
    def errors(request: Any, get_response: Any) -> Any:
        return get_response(request)

    @app.route("/one")
    def one() -> dict:
        return {}

    @app.route("/two", methods=["POST"])
    def two() -> dict:
        return {}

    @app.schedule(Rate(5, unit=Rate.MINUTES))
    def every_five_minutes(event: Any) -> None:
        return None

    @app.on_sqs_message(queue="jobs")
    def job_worker(event: Any) -> None:
        return None

    @app.on_sns_message(topic="events")
    def events(event: Any) -> None:
        return None

    @app.on_s3_event(bucket="uploads")
    def upload_stored(event: Any) -> None:
        return None

    @app.lambda_function(name="plain")
    def plain(event: Any, context: Any) -> None:
        return None

    @app.authorizer()
    def caller_key(auth_request: Any) -> None:
        return None

    return app


def test_the_api_is_one_lambda_of_every_route_and_middleware_then_one_per_handler() -> None:
    found = lambdas(small_app())
    assert [(f.name, f.kind) for f in found] == [
        ("api_handler", "api"),
        ("every_five_minutes", "schedule"),
        ("job_worker", "sqs"),
        ("events", "sns"),
        ("upload_stored", "s3"),
        ("plain", "function"),
        ("caller_key", "authorizer"),
    ]
    assert [f.__name__ for f in found[0].handlers] == ["one", "two", "errors"]
    assert [f.handlers[0].__name__ for f in found[1:]] == [f.name for f in found[1:]]


def test_a_handler_added_to_the_app_is_listed_without_editing_the_bench() -> None:
    app = small_app()

    @app.schedule(Rate(1, unit=Rate.HOURS))
    def hourly_report(event: Any) -> None:
        return None

    names = [f.name for f in lambdas(app)]
    assert "hourly_report" in names
    assert [n for n in names if n != "hourly_report"] == [f.name for f in lambdas(small_app())]


def test_an_app_without_routes_has_no_api_lambda() -> None:
    app = Chalice(app_name="workers")

    @app.on_sqs_message(queue="jobs")
    def job_worker(event: Any) -> None:
        return None

    assert [f.name for f in lambdas(app)] == ["job_worker"]


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A prefix of never-imported modules: ``…_root`` imports ``…_eager``, whose stand-in
    is ``…_deep``; ``…_other`` is nobody's."""
    prefix = f"cold_probe_{request.node.name}"
    files = {
        "root": f"import {prefix}_eager\n",
        "eager": f"from chalicelib.lazy import lazy\n\ndeep = lazy('{prefix}_deep')\n",
        "deep": "VALUE = 1\n",
        "other": "VALUE = 2\n",
        "guard": f"from chalicelib.lazy import lazy\n\nweb = lazy('{prefix}_other')\n",
    }
    for name, text in files.items():
        (tmp_path / f"{prefix}_{name}.py").write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return prefix


def handler(namespace: dict[str, Any], body: str) -> Callable[..., Any]:
    """A function whose globals are ``namespace``, as app.py's handlers read app.py's."""
    exec(f"def handler(event):\n    {body}\n", namespace)
    return namespace["handler"]


def test_a_first_call_starts_from_the_stand_ins_the_handler_names(modules: str) -> None:
    namespace = {"root": lazy(f"{modules}_root"), "other": lazy(f"{modules}_other")}
    assert roots([handler(namespace, "return root.run(event)")]) == [f"{modules}_root"]


def test_a_module_the_handler_names_brings_its_stand_ins(modules: str) -> None:
    import importlib

    guard = importlib.import_module(f"{modules}_guard")
    namespace = {"guard": guard, "root": lazy(f"{modules}_root")}
    assert roots([handler(namespace, "return guard.checked(event)")]) == [f"{modules}_other"]


def test_a_first_call_follows_the_stand_ins_of_what_its_imports_load(modules: str) -> None:
    ours = tuple(f"{modules}_{name}" for name in ("root", "eager", "deep", "other", "guard"))
    assert first_call([f"{modules}_root"], ours) == [f"{modules}_root", f"{modules}_deep"]


def test_a_first_call_leaves_the_stand_ins_of_modules_not_ours(modules: str) -> None:
    assert first_call([f"{modules}_root"], (f"{modules}_root",)) == [f"{modules}_root"]


def test_figures_are_medians_in_ms_and_ratios_taken_round_by_round() -> None:
    samples = {
        "bare": [0.2, 0.1, 0.4],
        "lean/0": [0.3, 0.1, 0.4],
        "vendored/0": [0.3, 0.2, 0.4],
        "pre_lean/0": [0.2, 0.2, 0.5],
    }
    entry = {"name": "api_handler", "kind": "api", "group": 0}
    found = summary({"lean": [entry], "pre_lean": [entry]}, [["chalicelib.api.ack"]], samples)
    assert found == {
        "bare_cpu_ms": 200.0,
        "lambdas": {
            "api_handler": {
                "kind": "api",
                "first_call_modules": 1,
                "baseline": "api_handler",
                "lean_cpu_ms": 300.0,
                "vendored_cpu_ms": 300.0,
                "pre_lean_cpu_ms": 200.0,
                "lean_ratio": 1.0,  # 1.5, 1, 1
                "pre_lean_ratio": 1.25,  # 1, 2, 1.25
                "lean_over_pre_lean": 0.8,  # 1.5, 0.5, 0.8
                "lean_over_vendored": 1.0,  # 1, 0.5, 1
            }
        },
    }


def test_a_round_times_group_n_of_every_package_together_the_first_one_in_turn() -> None:
    groups = {"lean": [["a"], ["b"]], "pre_lean": [["a"], ["b"], ["c"]]}
    assert round_order(groups, 1) == [
        ("vendored", 0), ("pre_lean", 0), ("lean", 0),
        ("vendored", 1), ("pre_lean", 1), ("lean", 1),
        ("pre_lean", 2),
    ]  # fmt: skip
    assert [variant for variant, n in round_order(groups, 2) if n == 0] == [
        "pre_lean",
        "lean",
        "vendored",
    ]


PRE_LEAN = [
    {"name": "daily_scan", "kind": "schedule", "group": 0},
    {"name": "weekly_digest", "kind": "schedule", "group": 1},
    {"name": "job_worker", "kind": "sqs", "group": 2},
]
PRE_LEAN_SAMPLES = {"pre_lean/0": [0.2, 0.2], "pre_lean/1": [0.3, 0.3], "pre_lean/2": [0.4, 0.4]}


def test_a_lambda_is_held_to_the_pre_lean_lambda_of_its_name() -> None:
    entry = {"name": "daily_scan", "kind": "schedule"}
    assert baseline(entry, PRE_LEAN, PRE_LEAN_SAMPLES) == ("daily_scan", "pre_lean/0")


def test_a_lambda_added_since_is_held_to_the_costliest_of_its_kind() -> None:
    entry = {"name": "stuck_uploads", "kind": "schedule"}
    assert baseline(entry, PRE_LEAN, PRE_LEAN_SAMPLES) == (
        "weekly_digest (costliest schedule)",
        "pre_lean/1",
    )


def test_a_lambda_of_a_new_kind_is_held_to_the_costliest_of_all() -> None:
    entry = {"name": "roster_upload_received", "kind": "function"}
    assert baseline(entry, PRE_LEAN, PRE_LEAN_SAMPLES) == ("job_worker (costliest)", "pre_lean/2")


def cold(lean_over_pre_lean: float) -> dict[str, Any]:
    figures = {"kind": "sqs", "baseline": "job_worker", "lean_over_pre_lean": lean_over_pre_lean}
    return {"tolerance": 0.1, "lambdas": {"job_worker": figures}}


def test_a_lambda_passes_up_to_its_pre_lean_time_plus_the_tolerance() -> None:
    (check,) = lambda_budgets(cold(1.1))
    assert (check.value, check.limit, check.passed) == (1.1, 1.1, True)
    assert check.name == "Cold start job_worker (sqs): lean ÷ pre-lean"


def test_a_lambda_slower_than_its_pre_lean_time_plus_the_tolerance_fails() -> None:
    (check,) = lambda_budgets(cold(1.11))
    assert not check.passed


def test_a_lambda_held_to_another_pre_lean_lambda_names_it() -> None:
    figures = cold(1.0)
    figures["lambdas"]["job_worker"]["baseline"] = "send_worker (costliest sqs)"
    (check,) = lambda_budgets(figures)
    assert check.name == "Cold start job_worker (sqs): lean ÷ pre-lean send_worker (costliest sqs)"


def test_no_cold_start_figures_fail_the_table_and_say_why() -> None:
    (check,) = lambda_budgets({"missing": "pre-lean package: git archive: not a git repository"})
    assert not check.passed
    assert check.name.endswith("(pre-lean package: git archive: not a git repository)")


def compiled(path: Path, machine_field: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x7fELF" + bytes(14) + machine_field + bytes(44))


def test_a_package_built_for_another_machine_is_replaced_by_this_machines_build(
    tmp_path: Path,
) -> None:
    here = machine(Path(os.path.realpath(sys.executable)))
    compiled(tmp_path / "markupsafe" / "_speedups.cpython-311-other.so", b"\x34\x12")
    compiled(tmp_path / "native_here" / "fast.so", here)
    assert replace_foreign_builds(tmp_path) == ["markupsafe"]
    assert (tmp_path / "markupsafe").resolve() == Path(markupsafe.__file__).parent.resolve()
    assert not (tmp_path / "native_here").is_symlink()

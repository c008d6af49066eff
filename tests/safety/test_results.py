"""Recording hazard-marked tests' outcomes: the merge rules, and the plugin in a real run with
pytest-xdist (two workers), whose results must all reach one file."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from notifyadmin.safety.hazard_log import REPO_ROOT
from notifyadmin.safety.results import (
    ResultsUnreadable,
    base_node_id,
    case_outcome,
    combine_cases,
    recorded_results,
    results_merge,
    results_read,
    results_write,
)


def test_parameters_are_stripped_from_node_ids():
    assert base_node_id("tests/a.py::test_x[sms-cy]") == "tests/a.py::test_x"
    assert base_node_id("tests/a.py::TestY::test_x") == "tests/a.py::TestY::test_x"


def test_a_case_fails_on_any_failing_phase_and_passes_only_when_its_call_passed():
    assert case_outcome([("setup", "passed"), ("call", "passed"), ("teardown", "passed")]) == "passed"
    assert case_outcome([("setup", "passed"), ("call", "passed"), ("teardown", "failed")]) == "failed"
    assert case_outcome([("setup", "failed"), ("teardown", "passed")]) == "failed"
    assert case_outcome([("setup", "skipped"), ("teardown", "passed")]) == "skipped"


def test_a_parametrised_test_fails_if_any_case_failed():
    assert combine_cases(["passed", "failed", "skipped"]) == ("failed", {"passed": 1, "failed": 1, "skipped": 1})
    assert combine_cases(["passed", "skipped"]) == ("passed", {"passed": 1, "failed": 0, "skipped": 1})
    assert combine_cases(["skipped"]) == ("skipped", {"passed": 0, "failed": 0, "skipped": 1})


def test_a_run_updates_the_tests_it_ran_and_keeps_the_others():
    existing = {
        "tests": {
            "tests/a.py::test_old": {
                "outcome": "passed",
                "hazards": ["HAZ-001"],
                "run_at": "2026-11-01T00:00:00+00:00",
            },
            "tests/a.py::test_x": {"outcome": "passed", "hazards": ["HAZ-001"], "run_at": "2026-11-01T00:00:00+00:00"},
        }
    }
    merged = results_merge(
        existing=existing,
        cases={
            "tests/a.py::test_x[1]": ("passed", ["HAZ-001"]),
            "tests/a.py::test_x[2]": ("failed", ["HAZ-001", "HAZ-002"]),
        },
        run_at="2026-11-30T04:00:00+00:00",
    )
    assert merged == {
        "format": 1,
        "updated_at": "2026-11-30T04:00:00+00:00",
        "tests": {
            "tests/a.py::test_old": existing["tests"]["tests/a.py::test_old"],
            "tests/a.py::test_x": {
                "outcome": "failed",
                "hazards": ["HAZ-001", "HAZ-002"],
                "run_at": "2026-11-30T04:00:00+00:00",
                "cases": {"passed": 1, "failed": 1, "skipped": 0},
            },
        },
    }


def test_written_results_read_back(tmp_path):
    path = tmp_path / "deep" / "results.json"
    assert results_read(path) == {"format": 1, "updated_at": None, "tests": {}}
    results_write(path, results_merge(existing={}, cases={"tests/a.py::t": ("passed", ["HAZ-001"])}, run_at="T"))
    assert recorded_results(path)["tests/a.py::t"].outcome == "passed"
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary file left behind


PLUGIN_RUN_TESTS = textwrap.dedent(
    """
    import pytest

    @pytest.mark.hazard("HAZ-001")
    @pytest.mark.parametrize("n", range(6))
    def test_marked_and_parametrised(n):
        assert n != 4

    @pytest.mark.hazard("HAZ-002")
    def test_marked_passing():
        pass

    @pytest.mark.hazard("HAZ-002")
    @pytest.mark.skip(reason="not here")
    def test_marked_skipped():
        pass

    def test_not_marked():
        pass
    """
)


def test_the_plugin_records_every_marked_test_across_xdist_workers(tmp_path):
    # Given a small suite with marked tests, run with two xdist workers and the plugin
    (tmp_path / "test_small.py").write_text(PLUGIN_RUN_TESTS, encoding="utf-8")
    results = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", os.devnull, "--rootdir", str(tmp_path), "-p", "no:django",
         "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "tests.safety_results_plugin", "-n", "2",
         f"--safety-results={results}", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    # Then the run fails (one case fails) and every marked test is recorded once, unmarked ones not at all
    assert completed.returncode == 1, completed.stdout + completed.stderr
    tests = json.loads(results.read_text(encoding="utf-8"))["tests"]
    assert {name: (entry["outcome"], entry["hazards"], entry["cases"]) for name, entry in tests.items()} == {
        "test_small.py::test_marked_and_parametrised": (
            "failed",
            ["HAZ-001"],
            {"passed": 5, "failed": 1, "skipped": 0},
        ),
        "test_small.py::test_marked_passing": ("passed", ["HAZ-002"], {"passed": 1, "failed": 0, "skipped": 0}),
        "test_small.py::test_marked_skipped": ("skipped", ["HAZ-002"], {"passed": 0, "failed": 0, "skipped": 1}),
    }


def test_a_damaged_results_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ResultsUnreadable, match=r"is not valid JSON .*: delete it and run the tests again"):
        results_read(path)

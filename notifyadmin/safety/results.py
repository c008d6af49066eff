"""The latest result of each hazard-marked test, kept in test-artifacts/safety/results.json.

The pytest plugin (tests/safety_results_plugin.py) records each hazard-marked test's outcome at
the end of a run and merges it into the file: a run of part of the suite updates the tests it
ran and keeps the others' latest results. A parametrised test is one entry (its node id without
parameters): it failed if any case failed, passed if every case that ran passed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notifyadmin.safety.hazard_log import REPO_ROOT

DEFAULT_RESULTS_PATH = REPO_ROOT / "test-artifacts" / "safety" / "results.json"

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
NOT_RUN = "not run"

_PARAMETERS = re.compile(r"\[.*\]$")


class ResultsUnreadable(ValueError):
    """The results file exists but is not a results record."""


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # not a pytest test class

    outcome: str
    run_at: str
    cases: Mapping[str, int]


def base_node_id(node_id: str) -> str:
    """'tests/a.py::test_x[sms-cy]' → 'tests/a.py::test_x'."""
    return _PARAMETERS.sub("", node_id)


def case_outcome(phases: Iterable[tuple[str, str]]) -> str:
    """One test case's outcome from its (phase, outcome) reports: any failure fails it; otherwise
    it passed when its call passed, else it was skipped."""
    outcomes = list(phases)
    if any(outcome == FAILED for _, outcome in outcomes):
        return FAILED
    if (("call", PASSED)) in outcomes:
        return PASSED
    return SKIPPED


def combine_cases(outcomes: Iterable[str]) -> tuple[str, dict[str, int]]:
    """A test's outcome from its cases' outcomes, with the count of each."""
    counts = {PASSED: 0, FAILED: 0, SKIPPED: 0}
    for outcome in outcomes:
        counts[outcome] += 1
    if counts[FAILED]:
        return FAILED, counts
    if counts[PASSED]:
        return PASSED, counts
    return SKIPPED, counts


def results_merge(
    *, existing: Mapping[str, Any], cases: Mapping[str, tuple[str, list[str]]], run_at: str
) -> dict[str, Any]:
    """Merge this run's cases (node id → (outcome, hazard ids)) into the stored results."""
    grouped: dict[str, tuple[list[str], set[str]]] = {}
    for node_id, (outcome, hazards) in cases.items():
        outcomes, hazard_ids = grouped.setdefault(base_node_id(node_id), ([], set()))
        outcomes.append(outcome)
        hazard_ids.update(hazards)
    tests = dict(existing.get("tests", {}))
    for test_id, (outcomes, hazard_ids) in grouped.items():
        outcome, counts = combine_cases(outcomes)
        tests[test_id] = {"outcome": outcome, "hazards": sorted(hazard_ids), "run_at": run_at, "cases": counts}
    return {"format": 1, "updated_at": run_at, "tests": dict(sorted(tests.items()))}


def results_read(path: Path) -> dict[str, Any]:
    """The stored results, or an empty record when there are none yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format": 1, "updated_at": None, "tests": {}}
    except json.JSONDecodeError as error:
        raise ResultsUnreadable(f"{path} is not valid JSON ({error}): delete it and run the tests again") from error
    if not isinstance(data, dict) or not isinstance(data.get("tests", {}), dict):
        raise ResultsUnreadable(f"{path} is not a test results record: delete it and run the tests again")
    return data


def results_write(path: Path, data: Mapping[str, Any]) -> None:
    """Write atomically, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, indent=2, sort_keys=False)
        stream.write("\n")
    Path(temporary).replace(path)


def recorded_results(path: Path) -> dict[str, TestResult]:
    """The latest result of each recorded test, by node id (without parameters)."""
    return {
        test_id: TestResult(entry["outcome"], entry.get("run_at") or "", entry.get("cases", {}))
        for test_id, entry in results_read(path).get("tests", {}).items()
    }

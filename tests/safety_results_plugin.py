"""pytest plugin: record each hazard-marked test's outcome into test-artifacts/safety/results.json.

Registered from tests/conftest.py. With pytest-xdist each worker collects and runs tests and
the controller receives every report, so only the controller (or a run without xdist) records:
the hazard ids travel from the worker on each report's user_properties.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notifyadmin.safety.results import (
    DEFAULT_RESULTS_PATH,
    case_outcome,
    results_merge,
    results_read,
    results_write,
)

PROPERTY = "safety_hazards"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--safety-results",
        default=str(DEFAULT_RESULTS_PATH),
        help="where to record hazard-marked tests' outcomes (default: test-artifacts/safety/results.json)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hazard(*ids): the test proves a control of these hazards (docs/safety.md)")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Recorder(Path(config.getoption("--safety-results"))), "safety-results")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        hazard_ids = sorted({str(arg) for marker in item.iter_markers("hazard") for arg in marker.args})
        if hazard_ids:
            item.user_properties.append((PROPERTY, ",".join(hazard_ids)))


class _Recorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.phases: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.hazards: dict[str, list[str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        hazards = dict(report.user_properties).get(PROPERTY)
        if not hazards:
            return
        self.hazards[report.nodeid] = str(hazards).split(",")
        self.phases[report.nodeid].append((report.when or "", report.outcome))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.phases:
            return
        cases = {node_id: (case_outcome(phases), self.hazards[node_id]) for node_id, phases in self.phases.items()}
        run_at = datetime.now(UTC).isoformat(timespec="seconds")
        results_write(self.path, results_merge(existing=results_read(self.path), cases=cases, run_at=run_at))

"""The clinical safety case, assembled from the repository: scope and intended use
(docs/safety/intended-use.md), the hazard log, each control's tests and their latest results
(test-artifacts/safety/results.json), and the release it describes.

A control's result: "planned" when the code does not have it yet; "no test" when it names
none; "failing" when any of its tests failed in its latest run; "not run" when any has no
result (or was skipped) and none failed; "passing" when every test passed.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import markdown
from markupsafe import Markup

from notifyadmin.safety.hazard_log import HAZARDS_DIR, REPO_ROOT, Control, Hazard, HazardStatus, hazard_log_load
from notifyadmin.safety.matrix import RATING_MEANING, RISK_MATRIX, Severity
from notifyadmin.safety.overlay import EMPTY_OVERLAY, AppOverlay, RaisedEntry, StatusChange
from notifyadmin.safety.results import (
    DEFAULT_RESULTS_PATH,
    FAILED,
    NOT_RUN,
    PASSED,
    SKIPPED,
    recorded_results,
    results_read,
)

INTENDED_USE_PATH = REPO_ROOT / "docs" / "safety" / "intended-use.md"

CONTROL_PLANNED = "planned"
CONTROL_NO_TEST = "no test"
CONTROL_FAILING = "failing"
CONTROL_NOT_RUN = "not run"
CONTROL_PASSING = "passing"


@dataclass(frozen=True)
class TestEvidence:
    __test__ = False  # not a pytest test class

    node_id: str
    outcome: str  # passed, failed, skipped or "not run"
    run_at: str


@dataclass(frozen=True)
class ControlEvidence:
    control: Control
    tests: tuple[TestEvidence, ...]
    result: str


@dataclass(frozen=True)
class HazardEntry:
    hazard: Hazard
    existing: tuple[ControlEvidence, ...]
    additional: tuple[ControlEvidence, ...]
    # Status changes recorded in the app, oldest first; hazard.status is the latest of them.
    app_history: tuple[StatusChange, ...] = ()
    log_status: str = ""

    @property
    def failing(self) -> bool:
        return any(c.result == CONTROL_FAILING for c in self.existing + self.additional)


@dataclass(frozen=True)
class Release:
    version: str
    commit: str


@dataclass(frozen=True)
class SafetyCase:
    release: Release
    generated_at: datetime
    results_updated_at: str | None
    intended_use_html: Markup
    entries: tuple[HazardEntry, ...]
    matrix_rows: tuple[tuple[str, tuple[int, ...]], ...]
    severities: tuple[str, ...]
    rating_meanings: tuple[tuple[int, str], ...]
    raised: tuple[RaisedEntry, ...] = ()

    @property
    def open_raised(self) -> tuple[RaisedEntry, ...]:
        return tuple(r for r in self.raised if r.status == HazardStatus.OPEN)

    @property
    def open_entries(self) -> tuple[HazardEntry, ...]:
        return tuple(e for e in self.entries if e.hazard.status == HazardStatus.OPEN)

    @property
    def failing_controls(self) -> tuple[ControlEvidence, ...]:
        return tuple(c for e in self.entries for c in e.existing + e.additional if c.result == CONTROL_FAILING)


def control_result(*, control: Control, tests: tuple[TestEvidence, ...]) -> str:
    """The rule in the module docstring."""
    if not control.implemented:
        return CONTROL_PLANNED
    if not tests:
        return CONTROL_NO_TEST
    outcomes = {t.outcome for t in tests}
    if FAILED in outcomes:
        return CONTROL_FAILING
    if outcomes == {PASSED}:
        return CONTROL_PASSING
    return CONTROL_NOT_RUN


def _evidence(control: Control, results: dict[str, object]) -> ControlEvidence:
    tests = []
    for node_id in control.tests:
        result = results.get(node_id)
        outcome = getattr(result, "outcome", NOT_RUN)
        tests.append(
            TestEvidence(
                node_id, outcome if outcome in (PASSED, FAILED, SKIPPED) else NOT_RUN, getattr(result, "run_at", "")
            )
        )
    evidence = tuple(tests)
    return ControlEvidence(control, evidence, control_result(control=control, tests=evidence))


def project_version(root: Path = REPO_ROOT) -> str:
    with (root / "pyproject.toml").open("rb") as stream:
        return str(tomllib.load(stream)["project"]["version"])


@cache
def git_commit(root: Path = REPO_ROOT) -> str:
    """The commit checked out (cached: it does not change while a process runs); "unknown" when
    the code is not a git checkout (a deployed image without .git)."""
    git = shutil.which("git")
    if git is None:
        return "unknown"
    completed = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [git, "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=False
    )
    return completed.stdout.strip() if completed.returncode == 0 else "unknown"


def safety_case_build(
    *,
    hazards_dir: Path = HAZARDS_DIR,
    results_path: Path = DEFAULT_RESULTS_PATH,
    intended_use_path: Path = INTENDED_USE_PATH,
    root: Path = REPO_ROOT,
    overlay: AppOverlay = EMPTY_OVERLAY,
) -> SafetyCase:
    """The safety case as it stands in the repository and the latest test results, with the
    app's records laid over it: a hazard's status is the latest the app recorded (the YAML
    status when it recorded none), and hazards raised in the app are listed after the log."""
    hazards = hazard_log_load(directory=hazards_dir)
    results: dict[str, object] = dict(recorded_results(results_path))
    entries = []
    for hazard in hazards:
        latest = overlay.latest(hazard.id)
        entries.append(
            HazardEntry(
                hazard=replace(hazard, status=latest.status) if latest else hazard,
                existing=tuple(_evidence(c, results) for c in hazard.existing_controls),
                additional=tuple(_evidence(c, results) for c in hazard.additional_controls),
                app_history=overlay.changes.get(hazard.id, ()),
                log_status=hazard.status,
            )
        )
    intended_use = markdown.markdown(intended_use_path.read_text(encoding="utf-8"), extensions=["tables", "attr_list"])
    return SafetyCase(
        release=Release(project_version(root), git_commit(root)),
        generated_at=datetime.now(UTC),
        results_updated_at=results_read(results_path).get("updated_at"),
        # Our own document from the repository, not user input.
        intended_use_html=Markup(intended_use),  # noqa: S704
        entries=tuple(entries),
        raised=overlay.raised,
        matrix_rows=tuple((likelihood.value, row) for likelihood, row in RISK_MATRIX.items()),
        severities=tuple(s.value for s in Severity),
        rating_meanings=tuple(sorted(RATING_MEANING.items(), reverse=True)),
    )

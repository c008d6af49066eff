"""The rendered safety case: every hazard, risk before and after, each control's tests with their
latest result, failing controls shown as failing, and the release it describes."""

import re

import pytest

from notifyadmin.safety.case import (
    CONTROL_FAILING,
    CONTROL_NO_TEST,
    CONTROL_NOT_RUN,
    CONTROL_PASSING,
    CONTROL_PLANNED,
    TestEvidence,
    control_result,
    git_commit,
    project_version,
    safety_case_build,
)
from notifyadmin.safety.hazard_log import Control, hazard_log_load
from notifyadmin.safety.render import safety_case_html, safety_case_write
from notifyadmin.safety.results import results_merge, results_write

SIGNOFF_TEST = "tests/templates_app/test_services.py::test_author_cannot_sign_off"


def text_of(html: str) -> str:
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([:;,.])", r"\1", spaced)


@pytest.fixture
def results_with_a_failure(tmp_path):
    # Every HAZ-006 test passed except one four-eyes test, which failed.
    tests = [t for h in hazard_log_load() if h.id == "HAZ-006" for c in h.controls for t in c.tests]
    cases = {t: ("failed" if t == SIGNOFF_TEST else "passed", ["HAZ-006"]) for t in tests}
    path = tmp_path / "results.json"
    results_write(path, results_merge(existing={}, cases=cases, run_at="2026-11-30T04:00:00+00:00"))
    return path


def control(*, implemented=True, tests=("tests/a.py::t",)):
    return Control("HAZ-001", "C1", "A control.", implemented, False, ("a.py::f",), tests)


def evidence(*outcomes):
    return tuple(TestEvidence(f"tests/a.py::t{i}", outcome, "") for i, outcome in enumerate(outcomes))


@pytest.mark.parametrize(
    ("implemented", "outcomes", "result"),
    [
        (False, (), CONTROL_PLANNED),
        (True, (), CONTROL_NO_TEST),
        (True, ("passed", "failed"), CONTROL_FAILING),
        (True, ("passed", "not run"), CONTROL_NOT_RUN),
        (True, ("passed", "skipped"), CONTROL_NOT_RUN),
        (True, ("passed", "passed"), CONTROL_PASSING),
    ],
)
def test_a_controls_result_follows_its_tests(implemented, outcomes, result):
    assert control_result(control=control(implemented=implemented), tests=evidence(*outcomes)) == result


def test_the_case_lists_every_hazard_with_risk_before_and_after(tmp_path):
    case = safety_case_build(results_path=tmp_path / "none.json")
    text = text_of(safety_case_html(case=case))
    for hazard in hazard_log_load():
        assert f"{hazard.id}: {hazard.title}" in text
        assert (
            f"Initial risk {hazard.initial.rating} {hazard.initial.severity.value.capitalize()} severity, "
            f"{hazard.initial.likelihood.value} likelihood "
            f"Residual risk {hazard.residual.rating} {hazard.residual.severity.value.capitalize()} severity, "
            f"{hazard.residual.likelihood.value} likelihood"
        ) in text
    assert "15 hazards: 10 open, 5 mitigated, 0 accepted, 0 closed." in text


def test_without_results_every_test_is_not_run(tmp_path):
    case = safety_case_build(results_path=tmp_path / "none.json")
    results = {c.result for e in case.entries for c in e.existing + e.additional}
    assert results == {CONTROL_NOT_RUN, CONTROL_PLANNED}
    assert "No test run recorded: every test shows as not run" in text_of(safety_case_html(case=case))


def test_a_failing_test_shows_its_control_as_failing(results_with_a_failure):
    case = safety_case_build(results_path=results_with_a_failure)
    [failing] = case.failing_controls
    assert failing.control.ref == "HAZ-006/C3"
    assert {c.control.ref: c.result for e in case.entries if e.hazard.id == "HAZ-006" for c in e.existing} == {
        "HAZ-006/C1": CONTROL_PASSING,
        "HAZ-006/C2": CONTROL_PASSING,
        "HAZ-006/C3": CONTROL_FAILING,
        "HAZ-006/C4": CONTROL_PASSING,
        "HAZ-006/C5": CONTROL_PASSING,
        "HAZ-006/C6": CONTROL_PASSING,
    }
    html = safety_case_html(case=case)
    text = text_of(html)
    assert (
        "Failing controls The latest test run failed a test of these controls, so they cannot be relied on in this "
        "release: HAZ-006/C3: Four eyes: the content approver is not the author; the clinical safety officer is "
        "neither the author nor the content approver."
    ) in text
    assert f"{SIGNOFF_TEST} failed" in text
    row = re.search(r'<tr class="nhsuk-table__row" id="HAZ-006-C3">.*?</tr>', html, re.S)
    assert row is not None
    assert '<strong class="nhsuk-tag nhsuk-tag--red">failing</strong>' in row.group(0)
    assert "Test results recorded 2026-11-30T04:00:00+00:00" in text


def test_the_case_names_the_release_and_the_scope(tmp_path):
    case = safety_case_build(results_path=tmp_path / "none.json")
    text = text_of(safety_case_html(case=case))
    assert project_version() == "0.1.0"
    assert re.fullmatch(r"[0-9a-f]{40}", git_commit())
    assert f"Version 0.1.0 Commit {git_commit()}" in text
    assert "Clinical safety case: notifyadmin 0.1.0" in text
    assert "Scope and intended use What notifyadmin is for" in text
    assert "Open hazards" in text


def test_make_safety_case_writes_html_and_pdf(tmp_path, results_with_a_failure):
    written = safety_case_write(case=safety_case_build(results_path=results_with_a_failure), out_dir=tmp_path / "out")
    assert written.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert written.pdf is not None
    assert written.pdf.read_bytes()[:5] == b"%PDF-"
    assert written.pdf.stat().st_size > 20_000

"""Traceability between the hazard log, the code and the tests.

A test proves a control of a hazard when the control names it (a pytest node id without
parameters) and the test carries ``@pytest.mark.hazard("HAZ-NNN")`` for that hazard. The test
files are read, not run or imported, so the check is quick and needs no database.

`traceability_problems` lists every broken link:
- a mitigated or closed hazard with a control that is planned or names no test;
- a control naming a test that does not exist, or one without that hazard's marker;
- a control naming code (``path.py::function``) that does not exist;
- a test marked with a hazard that is not in the log, or with a marker whose ids are not
  string literals;
- a test marked with a hazard none of whose controls name it (the log would not show it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from notifyadmin.safety.hazard_log import REPO_ROOT, Hazard, HazardStatus

MARKER = "hazard"


@dataclass
class MarkedTests:
    """Every test function found, by node id, with the hazard ids its markers name."""

    hazards_by_test: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _hazard_marker(node: ast.expr) -> ast.Call | None:
    """The call when `node` is pytest.mark.hazard(...) or mark.hazard(...), else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == MARKER):
        return None
    owner = node.func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else None
    return node if name == "mark" else None


def _marker_ids(nodes: Iterable[ast.expr], where: str, problems: list[str]) -> set[str]:
    ids: set[str] = set()
    for node in nodes:
        call = _hazard_marker(node)
        if call is None:
            continue
        if not call.args:
            problems.append(f'{where}: @pytest.mark.hazard() names no hazard: give its id, e.g. "HAZ-001"')
        for arg in call.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                ids.add(arg.value)
            else:
                problems.append(f"{where}: @pytest.mark.hazard takes hazard ids as string literals only")
    return ids


def _pytestmark(body: list[ast.stmt]) -> list[ast.expr]:
    """The expressions assigned to `pytestmark` (one marker or a list of them)."""
    for statement in body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets
        ):
            value = statement.value
            return list(value.elts) if isinstance(value, ast.List | ast.Tuple) else [value]
    return []


def _test_files(tests_dir: Path) -> Iterator[Path]:
    for path in sorted(tests_dir.rglob("*.py")):
        if path.name.startswith("test_") or path.name.endswith("_test.py"):
            yield path


def marked_tests_index(*, tests_dir: Path, root: Path = REPO_ROOT) -> MarkedTests:
    """Read every test module under `tests_dir`; node ids are relative to `root`."""
    index = MarkedTests()
    for path in _test_files(tests_dir):
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        prefix = path.relative_to(root).as_posix()
        module_ids = _marker_ids(_pytestmark(module.body), prefix, index.problems)
        for node in module.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                node_id = f"{prefix}::{node.name}"
                own = _marker_ids(node.decorator_list, node_id, index.problems)
                index.hazards_by_test[node_id] = frozenset(module_ids | own)
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_id = f"{prefix}::{node.name}"
                class_ids = module_ids | _marker_ids(
                    [*node.decorator_list, *_pytestmark(node.body)], class_id, index.problems
                )
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                        node_id = f"{class_id}::{item.name}"
                        own = _marker_ids(item.decorator_list, node_id, index.problems)
                        index.hazards_by_test[node_id] = frozenset(class_ids | own)
    return index


def code_reference_exists(*, reference: str, root: Path = REPO_ROOT) -> bool:
    """True when `path.py::name` (a top-level function or class) or `path.py::Class.method` exists."""
    relative, _, qualified = reference.partition("::")
    path = root / relative
    if not path.is_file():
        return False
    scope: list[ast.stmt] = ast.parse(path.read_text(encoding="utf-8")).body
    for part in qualified.split("."):
        found = next(
            (
                node
                for node in scope
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == part
            ),
            None,
        )
        if found is None:
            return False
        scope = found.body
    return True


def traceability_problems(*, hazards: list[Hazard], index: MarkedTests, root: Path = REPO_ROOT) -> list[str]:
    """Every broken link between the log, the code and the tests (empty when all hold)."""
    problems = list(index.problems)
    known = {hazard.id for hazard in hazards}
    named: set[tuple[str, str]] = set()
    for hazard in hazards:
        must_be_proved = hazard.status in (HazardStatus.MITIGATED, HazardStatus.CLOSED)
        for control in hazard.controls:
            if must_be_proved and not control.implemented:
                problems.append(
                    f"{control.ref}: {hazard.id} is {hazard.status} but this control is only planned: "
                    "a hazard is mitigated only by controls the code has"
                )
            elif must_be_proved and not control.tests:
                problems.append(
                    f"{control.ref}: {hazard.id} is {hazard.status} but this control names no test: "
                    "add the tests that prove it, marked @pytest.mark.hazard"
                )
            for reference in control.enforced_in:
                if not code_reference_exists(reference=reference, root=root):
                    problems.append(f"{control.ref}: enforced in {reference}, which does not exist")
            for test in control.tests:
                named.add((test, hazard.id))
                if test not in index.hazards_by_test:
                    problems.append(f"{control.ref}: names the test {test}, which does not exist")
                elif hazard.id not in index.hazards_by_test[test]:
                    problems.append(
                        f'{control.ref}: names the test {test}, which is not marked @pytest.mark.hazard("{hazard.id}")'
                    )
    for test, hazard_ids in sorted(index.hazards_by_test.items()):
        for hazard_id in sorted(hazard_ids):
            if hazard_id not in known:
                problems.append(f"{test}: marked with {hazard_id}, which is not in the hazard log")
            elif (test, hazard_id) not in named:
                problems.append(
                    f"{test}: marked with {hazard_id}, but no control of {hazard_id} names this test: "
                    "add it to the control it proves"
                )
    return problems

"""Small hazard logs and test trees written into a temporary folder, for the safety tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

TESTED = "tests/test_sending.py::test_pause_stops_sending"


def control(
    control_id: str = "C1",
    *,
    state: str = "implemented",
    enforced_in: list[str] | None = None,
    tests: list[str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": control_id, "summary": "Pausing stops every queued message.", "state": state}
    if state == "implemented":
        data["enforced_in"] = enforced_in if enforced_in is not None else ["app/sending.py::pause"]
        data["tests"] = tests if tests is not None else [TESTED]
    return data


def hazard(hazard_id: str = "HAZ-001", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": hazard_id,
        "title": "A campaign cannot be stopped",
        "cause": "No pause reaches queued messages.",
        "effect": "A wrong message keeps reaching patients.",
        "existing_controls": [control()],
        "initial": {"severity": "major", "likelihood": "medium", "rating": 3},
        "additional_controls": [],
        "residual": {"severity": "major", "likelihood": "very low", "rating": 2},
        "status": "mitigated",
        "owner": "Clinical safety officer",
        "history": [{"date": "2026-11-30", "by": "Clinical safety officer", "change": "Raised and mitigated."}],
    }
    data.update(copy.deepcopy(changes))
    return data


def write_hazards(root: Path, *hazards: dict[str, Any]) -> Path:
    directory = root / "hazards"
    directory.mkdir(parents=True, exist_ok=True)
    for item in hazards:
        (directory / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False), encoding="utf-8")
    return directory


def write_repo(root: Path, *, test_source: str | None = None) -> None:
    """A code module with `pause` and a test module whose test proves HAZ-001."""
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "sending.py").write_text("def pause():\n    return True\n", encoding="utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_sending.py").write_text(
        test_source
        if test_source is not None
        else 'import pytest\n\n\n@pytest.mark.hazard("HAZ-001")\ndef test_pause_stops_sending():\n    pass\n',
        encoding="utf-8",
    )

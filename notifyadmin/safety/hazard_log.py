"""The hazard log: one YAML file per hazard under docs/safety/hazards/, read and checked.

Rules the loader enforces (beyond the JSON Schema in docs/safety/hazard.schema.json):
- a file is named after its hazard's id (HAZ-007.yaml holds HAZ-007);
- every stored rating equals the DCB0129 matrix's rating for its severity and likelihood;
- the residual risk is never higher than the initial risk;
- existing controls are ones the code has (state implemented); planned ones are additional;
- planned controls do not reduce risk: with no implemented control, the residual severity and
  likelihood are the initial ones;
- control ids are unique within a hazard; history is in date order.
Every problem is reported with the file and the field at fault, all at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from notifyadmin.safety.matrix import Likelihood, Severity, risk_rating

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
HAZARDS_DIR = REPO_ROOT / "docs" / "safety" / "hazards"
SCHEMA_PATH = REPO_ROOT / "docs" / "safety" / "hazard.schema.json"


class HazardStatus:
    OPEN = "open"
    MITIGATED = "mitigated"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class HazardLogError(ValueError):
    """The hazard log cannot be read; `problems` names each file and field at fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The hazard log has problems:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Risk:
    severity: Severity
    likelihood: Likelihood
    rating: int


@dataclass(frozen=True)
class Control:
    hazard_id: str
    id: str
    summary: str
    implemented: bool
    additional: bool
    enforced_in: tuple[str, ...]
    tests: tuple[str, ...]

    @property
    def ref(self) -> str:
        return f"{self.hazard_id}/{self.id}"


@dataclass(frozen=True)
class HistoryEntry:
    date: dt.date
    by: str
    change: str


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    cause: str
    effect: str
    existing_controls: tuple[Control, ...]
    initial: Risk
    additional_controls: tuple[Control, ...]
    residual: Risk
    status: str
    owner: str
    history: tuple[HistoryEntry, ...]

    @property
    def controls(self) -> tuple[Control, ...]:
        return self.existing_controls + self.additional_controls


@cache
def _validator(schema_path: Path) -> Draft202012Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _plain(value: Any) -> Any:
    """YAML reads an unquoted 2026-11-30 as a date; the schema (JSON) speaks strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _where(path: Any) -> str:
    parts = ""
    for part in path:
        parts += f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part))
    return parts or "the top level"


def _risk(data: dict[str, Any]) -> Risk:
    return Risk(Severity(data["severity"]), Likelihood(data["likelihood"]), int(data["rating"]))


def _controls(hazard_id: str, items: list[dict[str, Any]], *, additional: bool) -> tuple[Control, ...]:
    return tuple(
        Control(
            hazard_id=hazard_id,
            id=item["id"],
            summary=item["summary"].strip(),
            implemented=item["state"] == "implemented",
            additional=additional,
            enforced_in=tuple(item.get("enforced_in", ())),
            tests=tuple(item.get("tests", ())),
        )
        for item in items
    )


def _rule_problems(name: str, data: dict[str, Any]) -> list[str]:
    problems = []
    if data["id"] != Path(name).stem:
        problems.append(f"{name}: id is {data['id']} but the file is named {name}: name the file after the id")
    for stage in ("initial", "residual"):
        risk = data[stage]
        expected = risk_rating(severity=risk["severity"], likelihood=risk["likelihood"])
        if risk["rating"] != expected:
            problems.append(
                f"{name}: {stage}.rating is {risk['rating']} but the DCB0129 matrix gives {expected} "
                f"for {risk['severity']} severity and {risk['likelihood']} likelihood"
            )
    if data["residual"]["rating"] > data["initial"]["rating"]:
        problems.append(f"{name}: residual.rating is higher than initial.rating: controls cannot add risk")
    for index, control in enumerate(data["existing_controls"]):
        if control["state"] != "implemented":
            problems.append(
                f"{name}: existing_controls[{index}] is planned: an existing control is one the code has; "
                "list planned controls under additional_controls"
            )
    implemented = [c for c in data["existing_controls"] + data["additional_controls"] if c["state"] == "implemented"]
    lowered = (data["residual"]["severity"], data["residual"]["likelihood"]) != (
        data["initial"]["severity"],
        data["initial"]["likelihood"],
    )
    if lowered and not implemented:
        problems.append(
            f"{name}: residual risk differs from initial risk but no control is implemented: "
            "planned controls do not reduce risk"
        )
    ids = [c["id"] for c in data["existing_controls"] + data["additional_controls"]]
    for control_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{name}: control id {control_id} is used twice: give each control its own id")
    dates = [entry["date"] for entry in data["history"]]
    for index, value in enumerate(dates):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            problems.append(f"{name}: history[{index}].date {value!r} is not a real date (YYYY-MM-DD)")
    if dates != sorted(dates):
        problems.append(f"{name}: history is not in date order: add new entries at the end")
    return problems


def hazard_log_load(*, directory: Path = HAZARDS_DIR, schema_path: Path = SCHEMA_PATH) -> list[Hazard]:
    """Every hazard in `directory`, in id order; raises HazardLogError listing every problem."""
    validator = _validator(schema_path)
    problems: list[str] = []
    hazards: list[Hazard] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise HazardLogError([f"{directory}: no hazard files (HAZ-NNN.yaml) found"])
    for path in files:
        name = path.name
        try:
            data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as error:
            problems.append(f"{name}: not valid YAML: {error}")
            continue
        schema_errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if schema_errors:
            problems.extend(f"{name}: at {_where(e.absolute_path)}: {e.message}" for e in schema_errors)
            continue
        rule_problems = _rule_problems(name, data)
        if rule_problems:
            problems.extend(rule_problems)
            continue
        hazards.append(
            Hazard(
                id=data["id"],
                title=data["title"].strip(),
                cause=data["cause"].strip(),
                effect=data["effect"].strip(),
                existing_controls=_controls(data["id"], data["existing_controls"], additional=False),
                initial=_risk(data["initial"]),
                additional_controls=_controls(data["id"], data["additional_controls"], additional=True),
                residual=_risk(data["residual"]),
                status=data["status"],
                owner=data["owner"].strip(),
                history=tuple(
                    HistoryEntry(dt.date.fromisoformat(e["date"]), e["by"].strip(), e["change"].strip())
                    for e in data["history"]
                ),
            )
        )
    if problems:
        raise HazardLogError(problems)
    return hazards

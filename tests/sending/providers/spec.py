"""NHS England's official NHS Notify OpenAPI schemas, loaded for validating what we build.

The YAML files live in ../shared/reference/nhs-notify-openapi/ (beside the checkout). Each
schema is registered under its file URI, so relative `$ref`s (`../components/Recipient.yaml`)
resolve the way the spec's own tooling resolves them.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "nhs-notify-openapi"


def _retrieve(uri: str) -> Resource:
    path = Path(uri.removeprefix("file://"))
    return Resource.from_contents(yaml.safe_load(path.read_text()), default_specification=DRAFT4)


@cache
def _registry() -> Registry:
    return Registry(retrieve=_retrieve)  # type: ignore[call-arg]


def load(relative: str) -> dict[str, Any]:
    return yaml.safe_load((SPEC_DIR / relative).read_text())


def validator(relative: str) -> Draft4Validator:
    """A validator for the schema file at `relative` (e.g. schemas/requests/CreateMessage.yaml).

    OpenAPI 3.0 schemas are close to JSON Schema draft 4; formats (uuid, email...) are checked."""
    path = SPEC_DIR / relative
    schema = {"$ref": path.as_uri()}
    return Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker())


def errors(relative: str, instance: Any) -> list[str]:
    """Every validation error as `path: message`, sorted (empty when valid)."""
    found = validator(relative).iter_errors(instance)
    return sorted(f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in found)

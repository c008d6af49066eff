"""NHS England's published NHS Notify OpenAPI specification, loaded for validation.

The sandbox validates request bodies against the official request schemas, and tests validate
the sandbox's responses and callbacks against the official response schemas, so both stay
true to the specification rather than to our reading of it.

The specification is not copied into this repository: it is read from
`../shared/reference/nhs-notify-openapi/` beside the project (every checkout and CI run has it),
or from the directory named by NHS_NOTIFY_OPENAPI_DIR. YAML files are loaded on first use and
`$ref`s are resolved by `referencing`, relative to the file that holds them.

OpenAPI 3.0 schemas are JSON Schema draft 4 with extra keywords (`example`, `nullable`), so they
are validated with jsonschema's Draft4Validator, which ignores the extras and (like OpenAPI 3.0)
any keyword beside a `$ref`. `format` is not asserted, as in the published sandbox.
"""

import os
import threading
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import yaml
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_DIR_VARIABLE = "NHS_NOTIFY_OPENAPI_DIR"
_PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SPEC_DIR = _PROJECT_ROOT.parent / "shared" / "reference" / "nhs-notify-openapi"

# Operation name -> endpoint file, as communications-manager.yaml maps the paths.
OPERATIONS = {
    "create_message": "endpoints/create_message.yaml",
    "create_message_batch": "endpoints/create_message_batch.yaml",
    "get_message": "endpoints/get_message.yaml",
    "get_nhsapp_accounts": "endpoints/get_nhsapp_account_details.yaml",
}
CALLBACKS = {
    "message_status": "callbacks/message_status.yaml",
    "channel_status": "callbacks/channel_status.yaml",
}


class SpecificationMissing(RuntimeError):
    """The OpenAPI specification is not where the sandbox looks for it."""


def spec_dir() -> Path:
    directory = Path(os.environ.get(SPEC_DIR_VARIABLE) or DEFAULT_SPEC_DIR)
    if not (directory / "communications-manager.yaml").is_file():
        raise SpecificationMissing(
            f"The NHS Notify OpenAPI specification is not in {directory}: "
            f"put it there or set {SPEC_DIR_VARIABLE} to its directory."
        )
    return directory


class Specification:
    """The YAML files of one specification directory, loaded once each, and validators over them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self._lock = threading.Lock()
        self._documents: dict[str, Any] = {}
        self.registry: Registry = Registry(retrieve=self._retrieve)  # type: ignore[call-arg]

    def uri(self, relative: str) -> str:
        return (self.directory / relative).as_uri()

    def document(self, relative: str) -> Any:
        return self._load(self.uri(relative))

    def _load(self, uri: str) -> Any:
        with self._lock:
            if uri not in self._documents:
                path = Path(url2pathname(urlsplit(uri).path))
                if self.directory not in path.resolve().parents:
                    raise SpecificationMissing(f"Reference outside the specification: {uri}")
                self._documents[uri] = yaml.safe_load(path.read_text(encoding="utf-8"))
            return self._documents[uri]

    def _retrieve(self, uri: str) -> Resource:
        return Resource.from_contents(self._load(uri), default_specification=DRAFT4)

    def validator(self, relative: str, pointer: str = "") -> Draft4Validator:
        """A validator for the schema in `relative` (a file under the specification), or at a
        JSON pointer inside it."""
        return _validator(self, f"{self.uri(relative)}#{pointer}")

    def request_validator(self, name: str) -> Draft4Validator:
        """`CreateMessage`, `CreateMessageBatch` or the batch item `Message`."""
        relative = "schemas/components/Message.yaml" if name == "Message" else f"schemas/requests/{name}.yaml"
        return self.validator(relative)

    def response_validator(self, operation: str, status: int) -> Draft4Validator:
        """The official schema of `operation`'s answer with this HTTP status (its JSON content)."""
        endpoint_file = OPERATIONS[operation]
        endpoint = self.document(endpoint_file)
        response_ref = endpoint["responses"][str(status)]["$ref"]
        response_file = _join(endpoint_file, response_ref)
        response = self.document(response_file)
        content = response["content"].get("application/json") or response["content"]["application/vnd.api+json"]
        return self.validator(_join(response_file, content["schema"]["$ref"]))

    def callback_validator(self, kind: str) -> Draft4Validator:
        """The official schema of a callback request body: kind is message_status or channel_status."""
        return self.validator(CALLBACKS[kind], "/requestBody/content/application~1vnd.api+json/schema")


def _join(base_file: str, reference: str) -> str:
    """A `$ref` relative to base_file, as a path relative to the specification directory."""
    return os.path.normpath(os.path.join(os.path.dirname(base_file), reference))


_VALIDATORS: dict[tuple[int, str], Draft4Validator] = {}
_VALIDATORS_LOCK = threading.Lock()


def _validator(specification: Specification, uri: str) -> Draft4Validator:
    key = (id(specification), uri)
    with _VALIDATORS_LOCK:
        if key not in _VALIDATORS:
            _VALIDATORS[key] = Draft4Validator({"$ref": uri}, registry=specification.registry)
        return _VALIDATORS[key]


@cache
def specification() -> Specification:
    """The specification in use (loaded once per process)."""
    return Specification(spec_dir())


def response_problems(operation: str, status: int, body: object) -> list[str]:
    """Why `body` is not a valid `status` answer of `operation` per the specification (empty if it is)."""
    validator = specification().response_validator(operation, status)
    return [_describe(error) for error in validator.iter_errors(body)]


def callback_problems(kind: str, body: object) -> list[str]:
    validator = specification().callback_validator(kind)
    return [_describe(error) for error in validator.iter_errors(body)]


def _describe(error: ValidationError) -> str:
    pointer = "/" + "/".join(str(part) for part in error.absolute_path)
    return f"{pointer}: {error.message}"

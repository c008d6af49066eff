"""The NHS Notify sandbox stays out of production, stays free of Django, and its command line works."""

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from notifyadmin.sandboxes import nhs_notify
from notifyadmin.sandboxes.nhs_notify import SandboxConfig, SandboxRefused, start_sandbox
from notifyadmin.sandboxes.nhs_notify.ksuid import ksuids

from .nhs_notify_support import JSON_API, message_body

PROJECT_ROOT = Path(nhs_notify.__file__).parents[3]


@pytest.mark.parametrize(
    "environ",
    [{"NOTIFY_ENVIRONMENT": "production"}, {"DJANGO_SETTINGS_MODULE": "notifyadmin.settings.production"}],
)
def test_refuses_to_start_in_production(environ):
    with pytest.raises(SandboxRefused, match="refuses to start"):
        start_sandbox(SandboxConfig(), environ=environ)


def test_command_line_refuses_to_start_in_production():
    completed = subprocess.run(
        [sys.executable, "-m", "notifyadmin.sandboxes.nhs_notify", "--port", "0"],
        env={"NOTIFY_ENVIRONMENT": "production", "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 2
    assert completed.stderr.strip() == "NOTIFY_ENVIRONMENT is production: the NHS Notify sandbox refuses to start."


def test_command_line_serves_the_api_until_terminated():
    # Given
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "notifyadmin.sandboxes.nhs_notify",
            "--port",
            "0",
            "--callback-url",
            "",
            "--step-seconds",
            "0",
        ],
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        url = banner.split(" at ", 1)[1].split(" ", 1)[0]

        # When
        response = requests.post(f"{url}/v1/messages", json=message_body("cli"), headers=JSON_API, timeout=5)

        # Then
        assert banner.startswith("NHS Notify sandbox at http://127.0.0.1:")
        assert "auth none, step 0.0 s, callbacks to none" in banner
        assert response.status_code == 201
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_the_package_never_imports_django():
    imported = set()
    for path in Path(nhs_notify.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "django" not in imported


def test_no_patient_identifier_reaches_the_log(notify_plain, caplog):
    body = message_body(
        "log-check", nhs_number="9990000034", recipient_extra={"contactDetails": {"sms": "07400000001"}}
    )

    with caplog.at_level("DEBUG", logger="notifyadmin.sandboxes.nhs_notify"):
        requests.post(f"{notify_plain.url}/v1/messages", json=body, headers=JSON_API, timeout=5)
        notify_plain.wait_idle()

    assert not any("9990000034" in r.getMessage() or "07400000001" in r.getMessage() for r in caplog.records)


def test_ksuids_are_27_base62_characters_unique_and_ascending():
    ids = ksuids(50_000, now=time.time())

    assert all(len(value) == 27 and value.isascii() and value.isalnum() for value in ids)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_a_missing_specification_is_reported_with_where_to_put_it(tmp_path, monkeypatch):
    from notifyadmin.sandboxes.nhs_notify.spec import SpecificationMissing, spec_dir

    monkeypatch.setenv("NHS_NOTIFY_OPENAPI_DIR", str(tmp_path))

    with pytest.raises(SpecificationMissing) as raised:
        spec_dir()

    assert str(raised.value) == (
        f"The NHS Notify OpenAPI specification is not in {tmp_path}: "
        "put it there or set NHS_NOTIFY_OPENAPI_DIR to its directory."
    )

"""The CIS2 stand-in stays out of production, keeps tokens out of its log, and stays free of Django."""

import ast
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from notifyadmin.sandboxes import cis2
from notifyadmin.sandboxes.cis2 import StandInRefused, start_standin
from notifyadmin.sandboxes.cis2.identities import (
    SUGGESTED_COMBINED_ROLE_MAPPING,
    SUGGESTED_ROLE_MAPPING,
    TEST_IDENTITIES,
    UNMAPPED_ROLE_CODE,
)

from .cis2_flow import (
    ISSUER_PATH,
    sign_in,
)


@pytest.mark.parametrize(
    "environ",
    [
        {"NOTIFY_ENVIRONMENT": "production"},
        {"DJANGO_SETTINGS_MODULE": "notifyadmin.settings.production"},
    ],
)
def test_refuses_to_start_in_production(tmp_path, environ):
    with pytest.raises(StandInRefused, match="refuses to start"):
        start_standin(key_dir=tmp_path, clients=[], environ=environ)
    assert not any(tmp_path.iterdir())  # not even a key was made


def test_command_line_refuses_to_start_in_production(tmp_path):
    # When
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "notifyadmin.sandboxes.cis2",
            "--port",
            "0",
            "--key-dir",
            str(tmp_path),
        ],
        env={
            "NOTIFY_ENVIRONMENT": "production",
            "PYTHONPATH": str(Path(cis2.__file__).parents[3]),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Then
    assert completed.returncode == 2
    assert completed.stderr.strip() == "NOTIFY_ENVIRONMENT is production: the CIS2 stand-in refuses to start."


def test_request_log_has_one_line_per_request_without_query_strings(standin, http, client_key, caplog):
    # When
    with caplog.at_level(logging.INFO, logger="notifyadmin.sandboxes.cis2"):
        request, tokens = sign_in(http, standin, client_key)

    # Then
    logged = [record.getMessage() for record in caplog.records if record.name == "notifyadmin.sandboxes.cis2"]
    assert f"GET {ISSUER_PATH}/authorize 200" in logged
    assert f"POST {ISSUER_PATH}/access_token 200" in logged
    assert not any("?" in line or request.state in line or tokens["access_token"] in line for line in logged)


def test_the_package_never_imports_django():
    package = Path(cis2.__file__).parent
    imported = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert "django" not in imported


def test_suggested_role_mapping_covers_every_app_role_and_the_identities_use_it():
    assert sorted(SUGGESTED_ROLE_MAPPING.values()) == sorted(
        [
            "content_designer",
            "clinical_safety_officer",
            "service_desk",
            "operations",
            "auditor",
            "administrator",
        ]
    )
    held = {role.role_code for identity in TEST_IDENTITIES for role in identity.roles}
    assert set(SUGGESTED_ROLE_MAPPING) | set(SUGGESTED_COMBINED_ROLE_MAPPING) | {UNMAPPED_ROLE_CODE} == held
    assert all(len(identity.uid) == 12 and identity.uid.isdigit() for identity in TEST_IDENTITIES)

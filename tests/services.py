"""Tests that need PostgreSQL, Redis or Chromium skip locally when those are missing, and fail
in CI, where NOTIFYADMIN_REQUIRE_SERVICES=1 says they must run."""

import os

import pytest


def services_required() -> bool:
    return os.environ.get("NOTIFYADMIN_REQUIRE_SERVICES") == "1"


def missing_service(what: str) -> None:
    message = f"{what} is not available"
    if services_required():
        pytest.fail(f"{message}, and NOTIFYADMIN_REQUIRE_SERVICES=1 says it must be")
    pytest.skip(message)

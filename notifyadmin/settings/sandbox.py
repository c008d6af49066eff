"""Sandbox: the deployed settings (deployed.py), for NOTIFY_ENVIRONMENT=sandbox only."""

from notifyadmin.settings.deployed import *  # noqa: F403
from notifyadmin.settings.deployed import NOTIFY_ENVIRONMENT, environment_check

environment_check(NOTIFY_ENVIRONMENT, expected="sandbox")

"""Settings per environment: NOTIFY_ENVIRONMENT chooses them, deployed environments have no
default secrets and no debug, one step-up window, and importing settings creates nothing."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from notifyadmin.settings import settings_module_for

ROOT = Path(__file__).resolve().parents[2]
_DUMMY = {"db": "sqlite:////tmp/never-used.sqlite3", "list": "notifyadmin.example", "int": "1", "bool": "false"}
_REQUIRED = re.findall(r'env\.(\w+)\("([A-Z0-9_]+)"\)', (ROOT / "notifyadmin/settings/deployed.py").read_text())
DEPLOYED_ENV = {
    **{name: _DUMMY.get(kind, "x" * 50) for kind, name in _REQUIRED},
    "CIS2_ISSUER": "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk/openam/oauth2/realms/root",
    "CIS2_CLIENT_AUTH": "private_key_jwt",
    "CELERY_BROKER_URL": "memory://",
    "PATH": "/usr/bin:/bin",
    "NOTIFY_API_KEY": "x" * 50,
    "NOTIFY_PRIVATE_KEY_PATH": "/run/secrets/notify.pem",
    "NOTIFY_KEY_ID": "k1",
}
PROBE = """
import django
django.setup()
from django.conf import settings
print(settings.SETTINGS_MODULE, settings.DEBUG, settings.CONTACT_REVEAL_REQUIRES_STEPUP,
      settings.LOCAL_SIGN_IN_ENABLED, settings.METRICS_ALLOW_LOOPBACK)
"""


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def probe_through_wsgi_choice(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Choose the settings the way manage.py, celery.py and wsgi.py do, then load them."""
    code = (
        "import os\nfrom notifyadmin.settings import settings_module_for\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', settings_module_for(os.environ['NOTIFY_ENVIRONMENT']))\n"
        + PROBE
    )
    return run(code, env)


@pytest.mark.parametrize("environment", ["sandbox", "int", "production"])
def test_each_deployed_environment_has_its_own_hardened_settings(environment):
    completed = probe_through_wsgi_choice({**DEPLOYED_ENV, "NOTIFY_ENVIRONMENT": environment})
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [f"notifyadmin.settings.{environment}", "False", "True", "False", "False"]


@pytest.mark.parametrize("environment", ["sandbox", "int", "production"])
@pytest.mark.parametrize("secret", ["DJANGO_SECRET_KEY", "PATIENT_LOOKUP_KEY", "DATABASE_URL"])
def test_a_deployed_environment_has_no_default_secret(environment, secret):
    env = {name: value for name, value in DEPLOYED_ENV.items() if name != secret}
    completed = probe_through_wsgi_choice({**env, "NOTIFY_ENVIRONMENT": environment})
    assert completed.returncode != 0
    assert f"Set the {secret} environment variable" in completed.stderr


def test_local_settings_refuse_another_environment():
    env = {**DEPLOYED_ENV, "NOTIFY_ENVIRONMENT": "int", "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.local"}
    completed = run(PROBE, env)
    assert completed.returncode != 0
    assert "These are the local settings but NOTIFY_ENVIRONMENT is 'int'" in completed.stderr


def test_int_settings_refuse_production():
    env = {**DEPLOYED_ENV, "NOTIFY_ENVIRONMENT": "production", "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.int"}
    completed = run(PROBE, env)
    assert completed.returncode != 0
    assert "These are the int settings but NOTIFY_ENVIRONMENT is 'production'" in completed.stderr


def test_notify_environment_names_the_settings_module():
    assert settings_module_for("local") == "notifyadmin.settings.local"
    assert settings_module_for("int") == "notifyadmin.settings.int"
    with pytest.raises(ValueError, match="NOTIFY_ENVIRONMENT must be one of local, sandbox, int, production"):
        settings_module_for("staging")


def test_importing_settings_creates_no_folder():
    code = """
import os, pathlib
def refuse(*args, **kwargs):
    raise SystemExit("a folder was created while importing settings")
pathlib.Path.mkdir = refuse
os.makedirs = refuse
os.mkdir = refuse
import notifyadmin.settings.local
print("imported")
"""
    env = {"PATH": "/usr/bin:/bin", "NOTIFY_ENVIRONMENT": "local"}  # filesystem:// broker by default
    completed = run(code, env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "imported"


def test_one_step_up_window_for_every_high_risk_action(settings):
    from templates_app.services.reviews import SIGNOFF_STEPUP_MAX_AGE

    assert SIGNOFF_STEPUP_MAX_AGE.total_seconds() == settings.STEPUP_MAX_AGE_SECONDS == 300

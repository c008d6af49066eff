"""With production settings: CIS2 secrets are required (no defaults) and CIS2 is the only way in."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every other setting production requires (read from deployed.py, so new ones need no edit here).
_DUMMY = {"db": "sqlite:////tmp/never-used.sqlite3", "list": "notifyadmin.example", "int": "1", "bool": "false"}
_REQUIRED = re.findall(r'env\.(\w+)\("([A-Z0-9_]+)"\)', (ROOT / "notifyadmin/settings/deployed.py").read_text())
PRODUCTION_ENV = {
    **{name: _DUMMY.get(kind, "x" * 50) for kind, name in _REQUIRED if not name.startswith("CIS2_")},
    "NOTIFY_ENVIRONMENT": "production",
    "DJANGO_SETTINGS_MODULE": "notifyadmin.settings.production",
    "ALLOWED_HOSTS": "notifyadmin.example",
    "CELERY_BROKER_URL": "memory://",
    "PATH": "/usr/bin:/bin",
    # NHS Notify credentials, required by production.py and int.py on top of deployed.py.
    "NOTIFY_API_KEY": "x" * 50,
    "NOTIFY_PRIVATE_KEY_PATH": "/run/secrets/notify.pem",
    "NOTIFY_KEY_ID": "k1",
}
CIS2_ENV = {
    "CIS2_ISSUER": "https://am.nhsint.auth-ptl.cis2.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
    "CIS2_CLIENT_ID": "notifyadmin",
    "CIS2_CLIENT_AUTH": "private_key_jwt",
    "CIS2_PRIVATE_KEY_PATH": "/run/secrets/cis2.pem",
    "CIS2_KEY_ID": "k1",
}
PROBE = """
import django
django.setup()
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve
print("LOCAL", settings.LOCAL_SIGN_IN_ENABLED, settings.LOGIN_URL)
try:
    resolve("/accounts/sign-in/").func(RequestFactory().get("/accounts/sign-in/"))
except Http404:
    print("SIGN_IN 404")
"""


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_cis2_settings():
    completed = run(PRODUCTION_ENV)
    assert completed.returncode != 0
    assert "CIS2_ISSUER" in completed.stderr


def test_production_has_no_local_sign_in():
    completed = run({**PRODUCTION_ENV, **CIS2_ENV})
    assert completed.returncode == 0, completed.stderr
    assert "LOCAL False oidc_authentication_init" in completed.stdout
    assert "SIGN_IN 404" in completed.stdout

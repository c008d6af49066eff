"""`make test`: SQLite in memory by default; PostgreSQL and Redis when DATABASE_URL and
CELERY_BROKER_URL say so (CI)."""

from notifyadmin.settings.base import *  # noqa: F403
from notifyadmin.settings.base import LOGGING, env

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
# A test that starts its own worker gives it (and itself) a key prefix, so no other test's
# in-process worker on the same Redis database can take its tasks.
CELERY_BROKER_KEY_PREFIX = env.str("CELERY_BROKER_KEY_PREFIX", default="")
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": CELERY_BROKER_KEY_PREFIX} if CELERY_BROKER_KEY_PREFIX else {}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="WARNING")

# CIS2 is off unless a test points it at a stand-in (tests/accounts/cis2 fixtures).
CIS2_ISSUER = ""
CIS2_CLIENT_ID = ""
DEMO_CLIENT_KEY_FILE = ""

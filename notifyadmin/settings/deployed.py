"""What every deployed environment (sandbox, int, production) shares: debug off, every secret
from the environment with no default, CIS2 the only way in, hardened transport, contact reveal
behind step-up, /metrics closed unless a bearer token is set.

Not a settings module of its own: sandbox.py, int.py and production.py import it and each
checks that NOTIFY_ENVIRONMENT names it.
"""

from notifyadmin.settings.base import *  # noqa: F403
from notifyadmin.settings.base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL")
PATIENT_LOOKUP_KEY = env.str("PATIENT_LOOKUP_KEY")
# NHS Notify signs its callbacks with these: no defaults outside local runs.
NOTIFY_CALLBACK_API_KEY = env.str("NOTIFY_CALLBACK_API_KEY")
NOTIFY_APPLICATION_ID = env.str("NOTIFY_APPLICATION_ID")
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# With production settings CIS2 is the only way in.
LOCAL_SIGN_IN_ENABLED = False
LOGIN_URL = "oidc_authentication_init"
LOGOUT_REDIRECT_URL = "oidc_authentication_init"
CIS2_ISSUER = env.str("CIS2_ISSUER")
CIS2_CLIENT_ID = env.str("CIS2_CLIENT_ID")
CIS2_CLIENT_AUTH = env.str("CIS2_CLIENT_AUTH")
if CIS2_CLIENT_AUTH == "private_key_jwt":
    CIS2_PRIVATE_KEY_PATH = env.str("CIS2_PRIVATE_KEY_PATH")
    CIS2_KEY_ID = env.str("CIS2_KEY_ID")
elif CIS2_CLIENT_AUTH == "client_secret_post":
    CIS2_CLIENT_SECRET = env.str("CIS2_CLIENT_SECRET")
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CIS2_CLIENT_AUTH must be private_key_jwt or client_secret_post.")
if not CIS2_ISSUER.startswith("https://"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CIS2_ISSUER must be an https:// URL in production.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Revealing a patient's masked contact detail needs a recent step-up unless turned off explicitly.
CONTACT_REVEAL_REQUIRES_STEPUP = env.bool("CONTACT_REVEAL_REQUIRES_STEPUP", default=True)
# /metrics: only with METRICS_BEARER_TOKEN (a proxy in front may make every caller loopback).
METRICS_ALLOW_LOOPBACK = env.bool("METRICS_ALLOW_LOOPBACK", default=False)

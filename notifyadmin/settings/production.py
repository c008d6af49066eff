"""Production: every secret from the environment with no default; hardened transport."""

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

if NOTIFY_ENVIRONMENT != "production":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Production settings need NOTIFY_ENVIRONMENT=production.")

# NHS Notify: the production endpoints are the defaults (not secrets); credentials have none.
NOTIFY_API_BASE_URL = env.str("NOTIFY_API_BASE_URL", default="https://api.service.nhs.uk/comms")
NOTIFY_TOKEN_URL = env.str("NOTIFY_TOKEN_URL", default="https://api.service.nhs.uk/oauth2/token")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY")
NOTIFY_PRIVATE_KEY_PATH = env.str("NOTIFY_PRIVATE_KEY_PATH")
NOTIFY_KEY_ID = env.str("NOTIFY_KEY_ID")

"""Settings shared by every environment.

Everything that differs between environments comes from the environment (django-environ).
The per-environment modules (local, test, production) only choose defaults and hardening.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

NOTIFY_ENVIRONMENT = env.str("NOTIFY_ENVIRONMENT", default="local")
NOTIFY_ENVIRONMENTS = ("local", "sandbox", "int", "production")


def environment_check(environment: str, *, expected: str) -> None:
    """Refuse to load one environment's settings for another (NOTIFY_ENVIRONMENT decides)."""
    if environment != expected:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"These are the {expected} settings but NOTIFY_ENVIRONMENT is {environment!r}: "
            f"set NOTIFY_ENVIRONMENT={expected}, or leave DJANGO_SETTINGS_MODULE unset so that "
            "NOTIFY_ENVIRONMENT chooses the settings."
        )


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "axes",
    "django_celery_beat",
    "notifyadmin.core",
    "notifyadmin.accounts",
    "audit",
    "templates_app",
    "preferences",
    "notifyadmin.sending",
    "notifyadmin.safety",
    "notifyadmin.integrations",
    "notifyadmin.intake",
]

MIDDLEWARE = [
    "notifyadmin.core.middleware.CorrelationIdMiddleware",
    "notifyadmin.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "notifyadmin.accounts.middleware.ActiveRoleMiddleware",
    "notifyadmin.core.middleware.DomainErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "notifyadmin.urls"
WSGI_APPLICATION = "notifyadmin.wsgi.application"

TEMPLATES = [
    {
        # The app's own pages: Jinja2 with the NHS.UK frontend macros.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "notifyadmin.core.jinja.environment"},
    },
    {
        # Django admin and third-party apps' own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'notifyadmin.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Local runs only. IMMEDIATE transactions take SQLite's write lock at BEGIN, so the web
    # process and the worker cannot both read the audit chain's head before either appends.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffUser"
AUTHENTICATION_BACKENDS = [
    # Axes first so that a locked-out username is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Local password sign-in is for development and break-glass only; production turns it off.
LOCAL_SIGN_IN_ENABLED = env.bool("LOCAL_SIGN_IN_ENABLED", default=True)

# django-axes: lock a username after five failures in a row.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "notifyadmin.accounts.views.locked_out"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=15 * 60)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "notifyadmin.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES_DIR = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # NHS.UK frontend, installed from npm (package.json), never copied into the repository.
    ("nhsuk", NODE_MODULES_DIR / "nhsuk-frontend" / "dist" / "nhsuk"),
]
NHSUK_FRONTEND_VERSION = "10.6.1"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["notifyadmin.accounts.api_permissions.DeclaredPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "notifyadmin.core.api.exception_handler",
}
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "notifyadmin API",
    "DESCRIPTION": "Staff-facing governance of NHS Notify messaging: templates, preferences, sends.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Celery: the broker comes from the environment; local runs use a broker that needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    # kombu's filesystem transport needs these folders before a worker starts: `make setup`
    # creates them (importing settings creates nothing).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The send pipeline (notifyadmin/sending): batch size, leases, retries, rate and breaker.
DISPATCH_BATCH_SIZE = env.int("DISPATCH_BATCH_SIZE", default=2000)
DISPATCH_PASSES_PER_TASK = env.int("DISPATCH_PASSES_PER_TASK", default=50)
DISPATCH_LEASE_SECONDS = env.int("DISPATCH_LEASE_SECONDS", default=120)
DISPATCH_MAX_ATTEMPTS = env.int("DISPATCH_MAX_ATTEMPTS", default=8)
DISPATCH_BACKOFF_BASE_SECONDS = env.float("DISPATCH_BACKOFF_BASE_SECONDS", default=2.0)
DISPATCH_BACKOFF_CAP_SECONDS = env.float("DISPATCH_BACKOFF_CAP_SECONDS", default=300.0)
# NHS Notify's gateway default is 1,200 requests a minute per application.
DISPATCH_RATE_PER_SECOND = env.float("DISPATCH_RATE_PER_SECOND", default=20.0)
DISPATCH_RATE_BURST = env.float("DISPATCH_RATE_BURST", default=20.0)
DISPATCH_NUDGE_ENABLED = env.bool("DISPATCH_NUDGE_ENABLED", default=True)
# Accepted messages with no final status after this long are asked about (status polling).
STATUS_POLL_AFTER_MINUTES = env.int("STATUS_POLL_AFTER_MINUTES", default=30)
# Personalisation (appointment details...) is kept this long, then purged; the record stays.
PERSONALISATION_RETENTION_DAYS = env.int("PERSONALISATION_RETENTION_DAYS", default=90)
CIRCUIT_FAILURE_THRESHOLD = env.int("CIRCUIT_FAILURE_THRESHOLD", default=5)
CIRCUIT_COOL_OFF_SECONDS = env.float("CIRCUIT_COOL_OFF_SECONDS", default=30.0)
# Delivery callbacks: the key NHS Notify sends as x-api-key, and the application id that,
# with it, keys the HMAC signature of each body.
NOTIFY_CALLBACK_API_KEY = env.str("NOTIFY_CALLBACK_API_KEY", default="local-callback-api-key")
NOTIFY_APPLICATION_ID = env.str("NOTIFY_APPLICATION_ID", default="local-notify-application")
# /metrics (Prometheus): with METRICS_BEARER_TOKEN set, a scrape must send
# "Authorization: Bearer <token>"; without it, only loopback callers may read it, and only where
# METRICS_ALLOW_LOOPBACK is on (local runs; off in deployed environments).
METRICS_BEARER_TOKEN = env.str("METRICS_BEARER_TOKEN", default="")
METRICS_ALLOW_LOOPBACK = env.bool("METRICS_ALLOW_LOOPBACK", default=True)

# Readiness probes must answer quickly even when a dependency hangs.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation": {"()": "notifyadmin.core.logging.CorrelationIdFilter"},
        # No record carries a query string or a request body (every handler must list it).
        "request_data": {"()": "notifyadmin.core.logging.RequestDataFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["correlation", "request_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger repeats the path, which could hold a query string; our
        # middleware logs each request once without it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Patients and preferences (preferences app) ---
# Key for the keyed hashes (HMAC-SHA256) used to look patients up by NHS number, mobile or
# email. The default serves local runs and tests only; production.py requires it from the
# environment. Changing it makes existing look-up hashes unusable until they are recomputed.
PATIENT_LOOKUP_KEY = env.str("PATIENT_LOOKUP_KEY", default="local-and-test-only-patient-lookup-key")
# When true, revealing a masked contact detail needs a recent step-up (CIS2 re-authentication,
# notifyadmin.accounts.stepup) no older than STEPUP_MAX_AGE_SECONDS. Off by default for local
# runs and tests; on by default in deployed environments (deployed.py).
CONTACT_REVEAL_REQUIRES_STEPUP = env.bool("CONTACT_REVEAL_REQUIRES_STEPUP", default=False)
# The reasons a member of staff may give for finding a patient (plus free text).
PATIENT_SEARCH_REASONS = env.list(
    "PATIENT_SEARCH_REASONS",
    default=[
        "Patient phoned the service desk",
        "Patient wrote to us",
        "Patient visited in person",
        "Message delivery problem",
        "Request from a clinical team",
    ],
)
# One schema name for the preference channels (the templates API has its own channel set).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["PreferenceChannelEnum"] = "preferences.models.Channel"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["MessageCategoryEnum"] = "notifyadmin.core.categories.MessageCategory"

# CIS2 (NHS Care Identity Service 2) sign-in: OpenID Connect through mozilla-django-oidc,
# extended in notifyadmin/accounts/cis2/. Endpoints come from the issuer's discovery document.
# CIS2 is "configured" when CIS2_ISSUER and CIS2_CLIENT_ID are both set.
CIS2_ISSUER = env.str("CIS2_ISSUER", default="")
CIS2_CLIENT_ID = env.str("CIS2_CLIENT_ID", default="")
CIS2_CLIENT_AUTH = env.str("CIS2_CLIENT_AUTH", default="private_key_jwt")  # or client_secret_post
CIS2_CLIENT_SECRET = env.str("CIS2_CLIENT_SECRET", default="")
CIS2_PRIVATE_KEY_PATH = env.str("CIS2_PRIVATE_KEY_PATH", default="")
CIS2_KEY_ID = env.str("CIS2_KEY_ID", default="")
CIS2_SCOPES = "openid profile email nhsperson associatedorgs nationalrbacaccess selectedrole"
CIS2_ACR_VALUES = env.str("CIS2_ACR_VALUES", default="AAL2_OR_AAL3_ANY")
CIS2_MIN_ID_ASSURANCE = env.int("CIS2_MIN_ID_ASSURANCE", default=3)
CIS2_MIN_AUTH_ASSURANCE = env.int("CIS2_MIN_AUTH_ASSURANCE", default=2)
# The ID token's auth_time must be within this many seconds of its iat and of now (plus skew).
CIS2_MAX_AUTH_AGE_SECONDS = env.int("CIS2_MAX_AUTH_AGE_SECONDS", default=60)
CIS2_CLOCK_SKEW_SECONDS = env.int("CIS2_CLOCK_SKEW_SECONDS", default=30)
CIS2_ID_TOKEN_ALGORITHMS = env.list("CIS2_ID_TOKEN_ALGORITHMS", default=["RS512", "RS256", "PS512", "PS256"])
CIS2_LOGOUT_TOKEN_MAX_AGE_SECONDS = env.int("CIS2_LOGOUT_TOKEN_MAX_AGE_SECONDS", default=120)
CIS2_HTTP_TIMEOUT_SECONDS = env.float("CIS2_HTTP_TIMEOUT_SECONDS", default=5.0)
CIS2_DISCOVERY_CACHE_SECONDS = env.int("CIS2_DISCOVERY_CACHE_SECONDS", default=3600)
# The provider's signing keys (JWKS) are fetched again after this many seconds.
CIS2_JWKS_CACHE_SECONDS = env.int("CIS2_JWKS_CACHE_SECONDS", default=3600)
# A token naming an unknown kid, or whose signature does not verify with the cached key, makes
# us fetch the JWKS again at once, but not more often than this.
CIS2_JWKS_MIN_REFRESH_SECONDS = env.int("CIS2_JWKS_MIN_REFRESH_SECONDS", default=10)
# Where CIS2 sends the browser after RP-initiated logout (must be registered with CIS2); empty: none.
CIS2_POST_LOGOUT_REDIRECT_URI = env.str("CIS2_POST_LOGOUT_REDIRECT_URI", default="")
# A person whose selected role is at an organisation notifyadmin does not know is refused,
# unless this is on (an administrator's decision, made per environment).
CIS2_CREATE_UNKNOWN_ORGANISATIONS = env.bool("CIS2_CREATE_UNKNOWN_ORGANISATIONS", default=False)
# Step-up: THE one window for every high-risk action (clinical sign-off, contact reveal, CIS2
# max_age when re-authenticating): an authentication no older than this many seconds.
STEPUP_MAX_AGE_SECONDS = env.int("STEPUP_MAX_AGE_SECONDS", default=5 * 60)

AUTHENTICATION_BACKENDS.append("notifyadmin.accounts.cis2.backend.Cis2AuthenticationBackend")
# mozilla-django-oidc settings; the OIDC_OP_* endpoints are resolved from discovery by the backend.
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_RP_SCOPES = CIS2_SCOPES
OIDC_RP_SIGN_ALGO = "RS512"
OIDC_STORE_ID_TOKEN = True
OIDC_CALLBACK_CLASS = "notifyadmin.accounts.cis2.views.Cis2CallbackView"
OIDC_AUTHENTICATE_CLASS = "notifyadmin.accounts.cis2.views.Cis2AuthenticationRequestView"
OIDC_TIMEOUT = CIS2_HTTP_TIMEOUT_SECONDS
# CIS2 callbacks are not password attempts: django-axes must not count them against an IP address.
AXES_WHITELIST_CALLABLE = "notifyadmin.accounts.cis2.views.axes_exempt"

# --- NHS Notify provider (notifyadmin/sending/providers/) ---
# Endpoints are checked against NOTIFY_ENVIRONMENT when the provider is built
# (providers/environments.py). Empty URL: the environment's known URL.
NOTIFY_API_BASE_URL = env.str("NOTIFY_API_BASE_URL", default="")
NOTIFY_TOKEN_URL = env.str("NOTIFY_TOKEN_URL", default="")
# Signed-JWT authentication (int, production): the API key, the PEM private key whose public
# half is in the JWKS registered with NHS England, and that key's id (kid).
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_PRIVATE_KEY_PATH = env.str("NOTIFY_PRIVATE_KEY_PATH", default="")
NOTIFY_KEY_ID = env.str("NOTIFY_KEY_ID", default="")
NOTIFY_CONNECT_TIMEOUT_SECONDS = env.float("NOTIFY_CONNECT_TIMEOUT_SECONDS", default=3.05)
NOTIFY_READ_TIMEOUT_SECONDS = env.float("NOTIFY_READ_TIMEOUT_SECONDS", default=10.0)
NOTIFY_BATCH_READ_TIMEOUT_SECONDS = env.float("NOTIFY_BATCH_READ_TIMEOUT_SECONDS", default=60.0)
# Connections kept per host: at least the number of threads a worker sends from.
NOTIFY_HTTP_POOL_SIZE = env.int("NOTIFY_HTTP_POOL_SIZE", default=8)

# Client-system integrations (notifyadmin/integrations): the API client model the kernel's
# actor_from_payload reads; every API takes JSON only (bounded size and depth), answers errors as
# RFC 9457 problem documents and paginates every list.
API_CLIENT_MODEL = "integrations.ApiClient"
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["notifyadmin.core.api.BoundedJSONParser"]
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "notifyadmin.core.api.Pagination"
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "notifyadmin.core.schema.problem_responses_hook",
]

# The hint under the find-a-patient search box (local settings name a demo patient).
PATIENT_SEARCH_HINT = env.str(
    "PATIENT_SEARCH_HINT", default="For example, 943 476 5919. For your safety this is cleared if there is a problem."
)
# Estimated prices shown on template previews (GBP; illustrative until the contract's are set).
SMS_PRICE_PER_FRAGMENT_GBP = env.str("SMS_PRICE_PER_FRAGMENT_GBP", default="0.0197")
LETTER_PRICE_GBP = env.str("LETTER_PRICE_GBP", default="0.68")

# seed_demo writes the demo client system's API key here (outside production only), so that
# `make run` users can post events with it; empty: the key is printed once instead.
DEMO_CLIENT_KEY_FILE = env.str("DEMO_CLIENT_KEY_FILE", default=str(VAR_DIR / "demo-event-client-key"))

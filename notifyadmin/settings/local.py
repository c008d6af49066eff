"""`make run`: everything on this machine, no external service needed."""

from notifyadmin.settings.base import *  # noqa: F403
from notifyadmin.settings.base import NOTIFY_ENVIRONMENT, env, environment_check

environment_check(NOTIFY_ENVIRONMENT, expected="local")

# Off by default, so `make run` shows the product's own 404 and 500 pages; DJANGO_DEBUG=1 turns
# Django's debug pages on. Whitenoise serves static files straight from the finders (no
# collectstatic needed locally), with or without DEBUG.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A fixed development key is acceptable only here: production has no default (production.py).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# CIS2: the local stand-in (python -m notifyadmin.sandboxes.cis2), wired by `manage.py cis2_local_setup`.
CIS2_ISSUER = env.str(
    "CIS2_ISSUER",
    default="http://127.0.0.1:8001/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
)
CIS2_CLIENT_ID = env.str("CIS2_CLIENT_ID", default="notifyadmin-local")
CIS2_CLIENT_AUTH = env.str("CIS2_CLIENT_AUTH", default="private_key_jwt")
CIS2_PRIVATE_KEY_PATH = env.str("CIS2_PRIVATE_KEY_PATH", default=str(VAR_DIR / "cis2-client" / "private.pem"))
CIS2_KEY_ID = env.str("CIS2_KEY_ID", default="notifyadmin-local-1")
CIS2_POST_LOGOUT_REDIRECT_URI = env.str(
    "CIS2_POST_LOGOUT_REDIRECT_URI", default="http://127.0.0.1:8000/accounts/signed-out/"
)
CIS2_CREATE_UNKNOWN_ORGANISATIONS = env.bool("CIS2_CREATE_UNKNOWN_ORGANISATIONS", default=True)

# NHS Notify: the local sandbox (notifyadmin.sandboxes.nhs_notify), no authentication.
NOTIFY_API_BASE_URL = env.str("NOTIFY_API_BASE_URL", default="http://127.0.0.1:8002")

# The find-a-patient hint names a demo patient (seed_demo prints them all).
PATIENT_SEARCH_HINT = env.str(
    "PATIENT_SEARCH_HINT",
    default="For example, 999 000 0018 (Margaret Holloway, a demo patient). "
    "For your safety this is cleared if there is a problem.",
)

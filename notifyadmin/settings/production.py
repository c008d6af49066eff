"""Production: the deployed settings (deployed.py), for NOTIFY_ENVIRONMENT=production only."""

from notifyadmin.settings.deployed import *  # noqa: F403
from notifyadmin.settings.deployed import NOTIFY_ENVIRONMENT, env, environment_check

environment_check(NOTIFY_ENVIRONMENT, expected="production")

# NHS Notify: the production endpoints are the defaults (not secrets); credentials have none.
NOTIFY_API_BASE_URL = env.str("NOTIFY_API_BASE_URL", default="https://api.service.nhs.uk/comms")
NOTIFY_TOKEN_URL = env.str("NOTIFY_TOKEN_URL", default="https://api.service.nhs.uk/oauth2/token")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY")
NOTIFY_PRIVATE_KEY_PATH = env.str("NOTIFY_PRIVATE_KEY_PATH")
NOTIFY_KEY_ID = env.str("NOTIFY_KEY_ID")

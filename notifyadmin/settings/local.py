"""`make run`: everything on this machine, no external service needed."""

from notifyadmin.settings.base import *  # noqa: F403
from notifyadmin.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
# A fixed development key is acceptable only here: production has no default (production.py).
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

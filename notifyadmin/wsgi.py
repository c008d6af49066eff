"""WSGI entry point (gunicorn notifyadmin.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from notifyadmin.settings import settings_module_for

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module_for(os.environ.get("NOTIFY_ENVIRONMENT", "production")))

application = get_wsgi_application()

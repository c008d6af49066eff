"""The Celery application. Task names and queues are constants (notifyadmin.core.queues)."""

import os

from celery import Celery

from notifyadmin.settings import settings_module_for

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module_for(os.environ.get("NOTIFY_ENVIRONMENT", "local")))

app = Celery("notifyadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

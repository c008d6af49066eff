"""The Celery application. Task names and queues are constants (notifyadmin.core.queues)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notifyadmin.settings.local")

app = Celery("notifyadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

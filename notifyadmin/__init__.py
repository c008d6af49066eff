"""notifyadmin: govern the messages an NHS organisation sends through NHS Notify."""

from notifyadmin.celery import app as celery_app

__all__ = ["celery_app"]

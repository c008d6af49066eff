"""Retention: a message's personalisation is purged after PERSONALISATION_RETENTION_DAYS while
the record of the message (who, what template version, when, status timeline) stays. A test's
copy of the staff member's contact details goes with it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from notifyadmin.sending.models import Message
from notifyadmin.sending.status import TERMINAL_STATUSES


def personalisation_purge(*, now: dt.datetime | None = None, batch: int = 10_000) -> int:
    """Purge personalisation of finished messages older than the retention; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.PERSONALISATION_RETENTION_DAYS)
    total = 0
    while True:
        ids = list(
            Message.objects.filter(
                created_at__lt=cutoff, personalisation_purged_at__isnull=True, status__in=TERMINAL_STATUSES
            ).values_list("id", flat=True)[:batch]
        )
        if not ids:
            return total
        total += Message.objects.filter(id__in=ids).update(
            personalisation={}, test_recipient={}, personalisation_purged_at=now
        )

"""`manage.py dispatch`: run the dispatcher in this process (operations, benchmarks and the
crash tests), as the Celery task does. Safe to run beside workers: claims skip locked rows."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifyadmin.sending.dispatch.engine import dispatch_once
from notifyadmin.sending.dispatch.recovery import batches_retry_due, leases_reap
from notifyadmin.sending.providers.factory import provider_from_settings
from notifyadmin.sending.tasks import worker_name


class Command(BaseCommand):
    help = "Dispatch due messages until none are left (or for --seconds), recovering as it goes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=0.0, help="Keep polling this long (0: until idle).")
        parser.add_argument("--batch-size", type=int, default=0, help="Messages claimed per pass.")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = provider_from_settings()
        deadline = time.monotonic() + options["seconds"]
        totals = {"claimed": 0, "accepted": 0, "not_sent": 0, "retrying": 0, "unknown": 0}
        while True:
            leases_reap()
            retried = batches_retry_due(provider=provider)
            result = dispatch_once(provider=provider, worker=worker_name(), limit=options["batch_size"] or None)
            for key in totals:
                totals[key] += getattr(result, key) + getattr(retried, key)
            if result.claimed == 0 and retried.accepted == 0:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.2)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in totals.items()))

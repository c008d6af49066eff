"""Structured logging helpers: every record carries the correlation id."""

import logging

from notifyadmin.core.correlation import get_correlation_id


class CorrelationIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = get_correlation_id() or None
        return True

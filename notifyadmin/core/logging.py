"""Structured logging helpers: every record carries the correlation id, and none carries a
query string or a request body.

Both filters are attached to every handler in settings.LOGGING, so they hold for records from
any library (Django's "Internal Server Error" lines pass the request itself as `extra`, whose
representation holds the full query string).
"""

import logging
import re

from notifyadmin.core.correlation import get_correlation_id

# A "?" followed by anything up to white space or a quote: a URL's query string (and fragment).
_QUERY_STRING = re.compile(r"\?[^\s'\"<>]+")
QUERY_REMOVED = "?[query removed]"
# Attributes Django and libraries attach that hold a whole request or its body.
_REQUEST_ATTRIBUTES = ("request", "request_body", "body", "data", "POST", "GET")
# Attributes of every LogRecord (not `extra`), left as they are apart from msg/args/exc_text.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def query_strings_removed(text: str) -> str:
    return _QUERY_STRING.sub(QUERY_REMOVED, text)


class CorrelationIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = get_correlation_id() or None
        return True


class RequestDataFilter(logging.Filter):
    """Drop request objects and bodies from a record; remove query strings from its message,
    its exception text and any other text it carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in _REQUEST_ATTRIBUTES:
            if name in record.__dict__:
                delattr(record, name)
        message = record.getMessage()
        record.msg, record.args = query_strings_removed(message), None
        if record.exc_info:
            # Format the traceback now, scrubbed; formatters print exc_text when exc_info is gone.
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, query_strings_removed(text)
        elif record.exc_text:
            record.exc_text = query_strings_removed(record.exc_text)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, query_strings_removed(value))
        return True

"""The configured logging (settings.LOGGING), as production writes it: one JSON object per line
with the correlation id, and never a query string or a request body."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings

from notifyadmin.core.logging import CorrelationIdFilter

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9990548609"


@contextmanager
def configured_log_output() -> Iterator[io.StringIO]:
    """What the handlers that settings.LOGGING configured write, for the length of the block."""
    output = io.StringIO()
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.StreamHandler)
        and any(isinstance(f, CorrelationIdFilter) for f in handler.filters)
    ]
    assert handlers, "settings.LOGGING configures no handler on the root logger"
    previous = [handler.setStream(output) for handler in handlers]
    try:
        yield output
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def lines_of(output: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in output.getvalue().splitlines() if line.strip()]


def test_every_configured_handler_removes_request_data(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers
    for name, handler in handlers.items():
        assert "request_data" in handler.get("filters", []), name


def test_every_log_line_is_json_with_the_correlation_id(client):
    logging.getLogger("notifyadmin.request").setLevel(logging.INFO)
    try:
        with configured_log_output() as output:
            client.get("/healthz", headers={"X-Correlation-ID": "trace-0001-abcd"})
    finally:
        logging.getLogger("notifyadmin.request").setLevel(logging.NOTSET)
    line = next(line for line in lines_of(output) if line["logger"] == "notifyadmin.request")
    assert line["message"] == "request"
    assert line["correlation_id"] == "trace-0001-abcd"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert line["level"] == "INFO"


@override_settings(ROOT_URLCONF="tests.core.logging_urls")
def test_a_server_error_logs_no_query_string_and_no_request():
    client = Client(raise_request_exception=False)
    with configured_log_output() as output:
        response = client.get(f"/broken/?nhs={NHS_NUMBER}&email=someone%40example.com")
    assert response.status_code == 500
    text = output.getvalue()
    assert NHS_NUMBER not in text
    assert "someone" not in text
    error = next(line for line in lines_of(output) if line["logger"] == "django.request")
    assert error["message"] == "Internal Server Error: /broken/"
    assert "request" not in error
    assert "RuntimeError: a bug in a page" in error["exc_info"]
    assert error["status_code"] == 500


@override_settings(ROOT_URLCONF="tests.core.logging_urls")
def test_a_request_body_never_reaches_the_log():
    client = Client(raise_request_exception=False)
    with configured_log_output() as output:
        client.post("/broken/", {"nhs_number": NHS_NUMBER})
    assert NHS_NUMBER not in output.getvalue()


def test_a_query_string_in_any_logged_message_is_removed():
    with configured_log_output() as output:
        logging.getLogger("notifyadmin.anything").error("Fetched %s", f"/patients/?nhs={NHS_NUMBER}")
        logging.getLogger("notifyadmin.anything").error("Is this right? Yes.")
    messages = [line["message"] for line in lines_of(output)]
    assert messages == ["Fetched /patients/?[query removed]", "Is this right? Yes."]


def test_an_exception_message_carrying_a_query_string_is_scrubbed():
    with configured_log_output() as output:
        try:
            raise ValueError(f"could not read https://example.invalid/x?nhs={NHS_NUMBER}")
        except ValueError:
            logging.getLogger("notifyadmin.anything").exception("failed")
    text = output.getvalue()
    assert NHS_NUMBER not in text
    assert "could not read https://example.invalid/x?[query removed]" in lines_of(output)[0]["exc_info"]

"""The schema tells the truth: schemathesis generates requests from /api/schema/ for every
API operation and runs them in-process against the WSGI app (test database, a real API key
granted every client permission). Every response must be documented (status, content type,
body) and none may be a server error. Examples are bounded and derandomised so this runs in
seconds and the same way each time."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from notifyadmin.integrations.permissions import CLIENT_PERMISSIONS
from tests.integrations.helpers import issue_key
from tests.preferences.factories import make_patient

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_key(db, organisation):
    make_patient(organisation=organisation, nhs_number="9990000018")
    return issue_key(organisation, client_id="schemathesis", permissions=tuple(p.value for p in CLIENT_PERMISSIONS))


# Loaded once, at collection: the schema view reads no data, so no database is needed yet.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_the_test_connection(db):
    """Django's test client stops each request from closing the test's database connection;
    the WSGI app called directly would close it, so do the same here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)

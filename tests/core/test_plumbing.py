import logging
import uuid

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_a_valid_correlation_id_is_kept_and_returned(client):
    response = client.get("/healthz", headers={"X-Correlation-ID": "abc-123-def-456"})
    assert response["X-Correlation-ID"] == "abc-123-def-456"


@pytest.mark.parametrize("tampered", ["x" * 65, "bad id with spaces", "evil\u0007bell", "short", "<script>"])
def test_a_tampered_correlation_id_is_replaced_by_a_fresh_one(client, tampered):
    response = client.get("/healthz", headers={"X-Correlation-ID": tampered})
    assert response.status_code == 200
    uuid.UUID(response["X-Correlation-ID"])  # a fresh UUID, not the caller's value


@pytest.mark.hazard("HAZ-014")
def test_request_log_names_the_route_not_the_query_string(client, caplog, client_for):
    from notifyadmin.accounts.roles import Role

    auditor = client_for(Role.AUDITOR)
    with caplog.at_level(logging.INFO):
        auditor.get("/audit/", {"patient": "9434765919"})
    assert "9434765919" not in caplog.text


def test_healthz_answers_while_the_process_lives(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_when_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.hazard("HAZ-012")
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", READINESS_TIMEOUT_SECONDS=0.5)
def test_readyz_answers_503_when_the_broker_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"].startswith("failed: ")


@pytest.mark.hazard("HAZ-012")
def test_metrics_are_in_prometheus_text_format(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response["Content-Type"].startswith("text/plain; version=")
    body = response.content.decode()
    assert "# TYPE notifyadmin_http_requests_total counter" in body
    assert 'notifyadmin_http_requests_total{method="GET",route="healthz",status="200"}' in body


def test_not_found_page_is_in_the_nhs_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "nhsuk-header" in body


def test_server_error_page_is_in_the_nhs_style_and_gives_a_reference(rf):
    from notifyadmin.core.views import server_error

    request = rf.get("/")
    request.correlation_id = "ref-12345678"
    response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "ref-12345678" in response.content.decode()


def test_the_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_language_tags_are_shown_by_name():
    from notifyadmin.core.jinja import language_name

    assert language_name("cy") == "Welsh"
    assert language_name("en") == "English"
    assert language_name("x-unknown") == "x-unknown"

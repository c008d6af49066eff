"""/metrics is for the Prometheus scraper only: a bearer token, or loopback where allowed."""

import pytest

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests-only"


def test_loopback_may_read_metrics_when_no_token_is_set(client, settings):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOW_LOOPBACK = True
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert "# TYPE notifyadmin_http_requests_total counter" in response.content.decode()


def test_another_address_may_not_read_metrics_without_a_token(client, settings):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOW_LOOPBACK = True
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    assert b"notifyadmin_" not in response.content


def test_loopback_is_refused_where_loopback_is_not_allowed(client, settings):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOW_LOOPBACK = False
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(f"Bearer {TOKEN}", 200), ("Bearer wrong", 403), (f"Basic {TOKEN}", 403), ("", 403)],
)
def test_with_a_token_set_only_that_token_reads_metrics(client, settings, authorization, status):
    settings.METRICS_BEARER_TOKEN = TOKEN
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", headers=headers).status_code == status

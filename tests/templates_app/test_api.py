"""The read-only templates API for client systems granted `template.api`: published templates
only, organisation-scoped, paginated in the database, in the schema."""

import pytest
from django.test import Client
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app.models import VersionStatus
from tests.integrations.helpers import PROBLEM, issue_key
from tests.templates_app.conftest import SCHEMA


@pytest.fixture
def reader(organisation):
    return Client(
        HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation, client_id='events', permissions=('template.api',))}"
    )


def test_lists_published_templates_with_schema(version_in, reader):
    published = version_in(VersionStatus.PUBLISHED)
    version_in(VersionStatus.DRAFT, name="Not yet")
    response = reader.get(reverse("templates-api-list"))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    [item] = body["results"]
    assert item["name"] == "Appointment booked"
    assert item["published_version"]["number"] == "1.0"
    assert item["published_version"]["content_hash"] == published.content_hash
    assert item["published_version"]["personalisation_schema"] == SCHEMA


def test_the_list_is_paginated_in_the_database(version_in, reader, django_assert_max_num_queries):
    for name in ("Alpha", "Bravo", "Charlie"):
        version_in(VersionStatus.PUBLISHED, name=name)
    # count, one page of templates, and the prefetch of their contents: not one query per template
    with django_assert_max_num_queries(8):
        response = reader.get(reverse("templates-api-list"), {"page_size": "2", "page": "2"})
    body = response.json()
    assert (body["count"], [item["name"] for item in body["results"]]) == (3, ["Charlie"])
    assert body["previous"].endswith("/api/v1/templates/?page_size=2")


@pytest.mark.parametrize("page", ["٢", "99999999999999999999", "0", "-1", "abc"])
def test_a_page_that_does_not_exist_is_a_404_problem(reader, page):
    response = reader.get(reverse("templates-api-list"), {"page": page})
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    assert response.json()["detail"] == "Choose a page number that exists."


def test_other_organisation_sees_nothing_and_gets_404(version_in, other_organisation):
    published = version_in(VersionStatus.PUBLISHED)
    key = issue_key(other_organisation, client_id="their-events", permissions=("template.api",))
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert outsider.get(reverse("templates-api-list")).json()["results"] == []
    response = outsider.get(reverse("templates-api-detail", args=[published.template_id]))
    assert (response.status_code, response.json()["type"]) == (404, "urn:notifyadmin:problem:not-found")


def test_a_client_without_template_api_is_refused(organisation):
    key = issue_key(organisation, client_id="prefs-only", permissions=("preference.api",))
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("templates-api-list"))
    assert (response.status_code, response["Content-Type"]) == (403, PROBLEM)


def test_staff_sessions_are_not_client_systems(client_for):
    response = client_for(Role.OPERATIONS).get(reverse("templates-api-list"))
    assert (response.status_code, response.json()["detail"]) == (401, "Send a client system's API key.")


def test_endpoints_are_in_the_openapi_schema():
    schema = Client().get("/api/schema/").content.decode()
    assert "/api/v1/templates/" in schema
    assert "/api/v1/templates/{template_id}/" in schema

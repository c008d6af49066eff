"""The read-only templates API: published templates only, organisation-scoped, in the schema."""

from django.urls import reverse

from notifyadmin.accounts.roles import Role
from templates_app.models import VersionStatus
from tests.templates_app.conftest import SCHEMA


def test_lists_published_templates_with_schema(version_in, client_for):
    published = version_in(VersionStatus.PUBLISHED)
    version_in(VersionStatus.DRAFT, name="Not yet")
    response = client_for(Role.OPERATIONS).get(reverse("templates-api-list"))
    assert response.status_code == 200
    [item] = response.json()
    assert item["name"] == "Appointment booked"
    assert item["published_version"]["number"] == "1.0"
    assert item["published_version"]["content_hash"] == published.content_hash
    assert item["published_version"]["personalisation_schema"] == SCHEMA


def test_other_organisation_sees_nothing_and_gets_404(version_in, client_for, make_staff, other_organisation):
    published = version_in(VersionStatus.PUBLISHED)
    outsider = make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation)
    client = client_for(Role.CONTENT_DESIGNER, user=outsider)
    assert client.get(reverse("templates-api-list")).json() == []
    assert client.get(reverse("templates-api-detail", args=[published.template_id])).status_code == 404


def test_service_desk_is_refused(client_for):
    assert client_for(Role.SERVICE_DESK).get(reverse("templates-api-list")).status_code == 403


def test_endpoints_are_in_the_openapi_schema(client_for):
    schema = client_for(Role.AUDITOR).get("/api/schema/").content.decode()
    assert "/api/v1/templates/" in schema
    assert "/api/v1/templates/{template_id}/" in schema

"""Routing plans chosen, not typed: administrators configure them; designers pick one by name."""

import re
import uuid

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from templates_app.models import MessageTemplate, RoutingPlan
from tests.templates_app.test_views import field_error

pytestmark = pytest.mark.django_db

PLANS_URL = reverse("templates_app:routing-plans")
CREATE_URL = reverse("templates_app:template-create")


def template_post(plan_key, channels=("nhsapp",)):
    return {
        "name": "Results ready",
        "purpose": "test_results",
        "sensitivity": "sensitive",
        "send_window_start": "08:00",
        "send_window_end": "20:00",
        "routing_plan": plan_key,
        "channels": list(channels),
    }


@pytest.fixture
def admin_client(client_for):
    return client_for(Role.ADMINISTRATOR)


def test_an_administrator_adds_a_plan_and_it_is_audited(admin_client, organisation, settings):
    response = admin_client.post(
        PLANS_URL,
        {
            "name": "Appointments: NHS App then text",
            "plan_id": "00000000-0000-0000-0000-000000000006",
            "channels": ["nhsapp", "sms"],
            "environment": "local",
        },
    )
    assert response.status_code == 302
    plan = RoutingPlan.objects.get()
    assert (plan.organisation, plan.name, plan.plan_id, plan.channels, plan.environment) == (
        organisation,
        "Appointments: NHS App then text",
        uuid.UUID("00000000-0000-0000-0000-000000000006"),
        ["nhsapp", "sms"],
        "local",
    )
    event = AuditEvent.objects.get(action="template.routing_plan.created")
    assert event.target_id == str(plan.id)
    assert event.details["plan_id"] == "00000000-0000-0000-0000-000000000006"
    page = admin_client.get(PLANS_URL).content.decode()
    assert '<td class="nhsuk-table__cell">NHS App message, then Text message (SMS)</td>' in page


def test_a_plan_id_that_is_not_a_uuid_is_refused_at_the_field(admin_client):
    response = admin_client.post(
        PLANS_URL, {"name": "Plan", "plan_id": "plan-6", "channels": ["sms"], "environment": "local"}
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "id_plan_id") == (
        "Enter the routing plan id as NHS Notify gave it, like 0b0c3c16-8a5e-4b4e-9d1c-1b2f3d4e5f60"
    )
    assert not RoutingPlan.objects.exists()


def test_the_same_plan_id_twice_in_one_environment_is_refused(admin_client, routing_plan):
    response = admin_client.post(
        PLANS_URL,
        {"name": "Another", "plan_id": str(routing_plan.plan_id), "channels": ["sms"], "environment": "local"},
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "id_plan_id") == (
        "This routing plan id is already configured in that environment"
    )
    assert RoutingPlan.objects.count() == 1


def test_a_content_designer_may_not_configure_plans(client_for):
    assert client_for(Role.CONTENT_DESIGNER).get(PLANS_URL).status_code == 403


def test_the_create_page_offers_plans_by_name_and_no_uuid_box(client_for, routing_plan, other_organisation):
    RoutingPlan.objects.create(
        organisation=other_organisation, name="Theirs", plan_id=uuid.uuid4(), channels=["sms"], environment="local"
    )
    page = client_for(Role.CONTENT_DESIGNER).get(CREATE_URL).content.decode()
    options = [
        (value, " ".join(text.split()))
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', page, re.S)
        if value in ("", str(routing_plan.id)) or "routing" in text.lower()
    ]
    assert options == [
        ("", "Choose a routing plan"),
        (str(routing_plan.id), "NHS App, then text message (NHS App message, then Text message (SMS))"),
    ]
    assert "Theirs" not in page
    assert 'name="routing_plan_id"' not in page


def test_a_plan_of_another_organisation_cannot_be_posted(client_for, other_organisation):
    theirs = RoutingPlan.objects.create(
        organisation=other_organisation, name="Theirs", plan_id=uuid.uuid4(), channels=["nhsapp"], environment="local"
    )
    response = client_for(Role.CONTENT_DESIGNER).post(CREATE_URL, template_post(str(theirs.id)))
    assert response.status_code == 400
    assert not MessageTemplate.objects.exists()


def test_a_plan_that_cannot_send_a_chosen_channel_is_refused_at_channels(client_for, routing_plan):
    response = client_for(Role.CONTENT_DESIGNER).post(
        CREATE_URL, template_post(str(routing_plan.id), ("nhsapp", "email"))
    )
    assert response.status_code == 400
    assert (
        "The routing plan ‘NHS App, then text message’ cannot send by Email: untick it or choose another plan"
        in response.content.decode()
    )
    assert not MessageTemplate.objects.exists()


def test_with_no_plans_the_create_page_says_an_administrator_adds_them(client_for):
    page = client_for(Role.CONTENT_DESIGNER).get(CREATE_URL).content.decode()
    assert "Your organisation has no routing plans for this environment yet." in page


def test_the_template_page_names_its_routing_plan(client_for, routing_plan):
    designer = client_for(Role.CONTENT_DESIGNER)
    designer.post(CREATE_URL, template_post(str(routing_plan.id)))
    template = MessageTemplate.objects.get()
    page = designer.get(reverse("templates_app:template-detail", args=[template.id])).content.decode()
    assert (
        '<dd class="nhsuk-summary-list__value">NHS App, then text message '
        "(NHS App message, then Text message (SMS))</dd>" in page
    )

"""The event mapping page (operations, administrators) and the event log (operations, service
desk): only published templates can be mapped, changes audited with who and when, patient
identifiers masked."""

import uuid

import pytest
from django.conf import settings

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.intake.models import EventMapping
from templates_app.models import RoutingPlan
from tests.intake.conftest import OWN_NHS_NUMBER, make_template

MAPPINGS = "/events/mappings/"
REMINDER = "/events/mappings/appointment_reminder/"
LOG = "/events/log/"


@pytest.fixture
def reminder_template(organisation, make_staff):
    return make_template(organisation, make_staff(), "Reminder", [])


def test_operations_maps_the_reminder_with_offsets_and_it_is_audited(client_for, reminder_template):
    client = client_for(Role.OPERATIONS)
    response = client.post(
        REMINDER, {"template": str(reminder_template.id), "routing_plan": "", "reminder_offsets": "24, 168"}
    )
    assert response.status_code == 302
    mapping = EventMapping.objects.get()
    assert (mapping.template, mapping.reminder_offsets_hours, mapping.updated_by) == (
        reminder_template,
        [168, 24],
        client.user,
    )
    audit = AuditEvent.objects.get(action="event_mapping.changed")
    assert audit.details["reminder_offsets_hours"] == [168, 24]
    listing = client.get(MAPPINGS).content.decode()
    assert "Reminder" in listing and client.user.display_name in listing
    assert "The template&#39;s own routing plan<br>Reminders 7 days and 1 day before the appointment" in listing


def _plan(organisation, name, channels, plan_id):
    return RoutingPlan.objects.create(
        organisation=organisation,
        name=name,
        plan_id=plan_id,
        channels=channels,
        environment=settings.NOTIFY_ENVIRONMENT,
    )


def test_a_mapping_may_use_another_routing_plan_chosen_from_the_list(client_for, reminder_template, organisation):
    # Given the organisation's routing plans
    sms_only = _plan(organisation, "Text message only", ["sms"], uuid.UUID(int=3))
    client = client_for(Role.OPERATIONS)
    # Then the page lists them by name with their channels in words
    page = " ".join(client.get(REMINDER).content.decode().split())
    assert '<option value="" selected >The template&#39;s own routing plan</option>' in page
    assert f'<option value="{sms_only.id}" >Text message only: Text message (SMS)</option>' in page
    # When operations choose one
    response = client.post(REMINDER, {"template": str(reminder_template.id), "routing_plan": str(sms_only.id)})
    # Then the mapping keeps it, and the audit trail names it
    assert response.status_code == 302
    assert EventMapping.objects.get().routing_plan == sms_only
    assert AuditEvent.objects.get(action="event_mapping.changed").details["routing_plan"] == "Text message only"
    assert "Text message only" in client.get(MAPPINGS).content.decode()


def test_a_routing_plan_that_cannot_send_the_templates_channels_is_refused(client_for, reminder_template, organisation):
    email_only = _plan(organisation, "Email only", ["email"], uuid.UUID(int=2))
    response = client_for(Role.OPERATIONS).post(
        REMINDER, {"template": str(reminder_template.id), "routing_plan": str(email_only.id)}
    )
    assert response.status_code == 400
    assert (
        "“Email only” cannot send by any channel “Reminder” has. Choose another routing plan, or the template&#39;s own."
        in response.content.decode()
    )
    assert EventMapping.objects.count() == 0


def test_another_organisations_routing_plan_cannot_be_chosen(client_for, reminder_template, other_organisation):
    theirs = _plan(other_organisation, "Text message only", ["sms"], uuid.UUID(int=3))
    response = client_for(Role.OPERATIONS).post(
        REMINDER, {"template": str(reminder_template.id), "routing_plan": str(theirs.id)}
    )
    assert response.status_code == 400
    assert "Select a routing plan from the list" in response.content.decode()
    assert EventMapping.objects.count() == 0


def test_a_template_without_a_published_version_cannot_be_mapped(client_for, reminder_template):
    reminder_template.__class__.objects.filter(pk=reminder_template.pk).update(published_version=None)
    response = client_for(Role.OPERATIONS).post(REMINDER, {"template": str(reminder_template.id)})
    assert response.status_code == 400
    assert "Select a template from the list" in response.content.decode()
    assert EventMapping.objects.count() == 0


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ("a week", "Enter whole numbers of hours separated by commas, for example 168, 24"),
        ("0", "Enter up to 5 offsets, each 1 to 1440 hours."),
    ],
)
def test_bad_offsets_are_refused_naming_the_field(client_for, reminder_template, offsets, message):
    response = client_for(Role.ADMINISTRATOR).post(
        REMINDER, {"template": str(reminder_template.id), "reminder_offsets": offsets}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EventMapping.objects.count() == 0


def test_an_unknown_event_type_is_404(client_for):
    assert client_for(Role.OPERATIONS).get("/events/mappings/appointment_teleported/").status_code == 404


def test_the_service_desk_sees_the_log_but_not_the_mappings(client_for):
    client = client_for(Role.SERVICE_DESK)
    assert client.get(MAPPINGS).status_code == 403
    assert client.get(LOG).status_code == 200


def test_the_event_log_masks_the_nhs_number_and_filters(client_for, api, patients, mapped):
    api.post(
        "/api/v1/events",
        {
            "type": "appointment_booked",
            "subject_id": "appt-9",
            "sequence": 1,
            "nhs_number": OWN_NHS_NUMBER,
            "appointment": {"start": "2099-01-01T10:00:00+00:00"},
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="one",
    )
    client = client_for(Role.OPERATIONS)
    page = client.get(LOG).content.decode()
    assert "*** *** 8609" in page and OWN_NHS_NUMBER not in page
    assert "appt-9" in page and "Accepted: messages created: 3 message(s) created." in page
    assert "appt-9" not in client.get(LOG, {"decision": "no_mapping"}).content.decode()
    assert "appt-9" in client.get(LOG, {"client_id": "pas", "event_type": "appointment_booked"}).content.decode()


def test_events_without_a_mapping_are_listed_on_the_mapping_page(client_for, api, patients):
    api.post(
        "/api/v1/events",
        {"type": "prescription_ready", "subject_id": "rx-1", "sequence": 1, "nhs_number": OWN_NHS_NUMBER},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="rx",
    )
    page = client_for(Role.OPERATIONS).get(MAPPINGS).content.decode()
    assert "prescription_ready" in page and "Hospital PAS" in page

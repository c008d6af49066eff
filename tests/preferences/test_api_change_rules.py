"""The preferences API meets the same service rules as the pages (issue 9): a restated value
does not block a real change, and a STOP from a shared mobile opts out every patient with it.
(The API's own tests are in test_api.py.)"""

import pytest
from django.test import Client

from audit.models import AuditEvent
from preferences.models import ContactPoint, Preference
from tests.integrations.helpers import issue_key
from tests.preferences.factories import add_contact, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(organisation):
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation)}")


def test_a_restated_preference_with_a_new_contact_point_adds_the_contact_point(patient, api):
    response = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        {
            "reason": "Patient updated the app",
            "preferences": [{"category": "appointments", "channel": "sms", "allowed": True}],  # as it is
            "contact_point": {"kind": "email", "value": "second@example.com"},
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="restate-1",
    )

    assert response.status_code == 200
    assert patient.contact_points.filter(kind="email", value="second@example.com").exists()
    assert not AuditEvent.objects.filter(action="preference.api.changed").exists()


def test_a_request_that_changes_nothing_is_still_refused(patient, api):
    response = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        {"reason": "r", "preferences": [{"category": "appointments", "channel": "sms", "allowed": True}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="restate-2",
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "You have not changed anything"


def test_a_stop_from_a_shared_mobile_opts_out_every_patient_with_it(patient, organisation, api):
    sibling = make_patient(organisation=organisation)
    add_contact(sibling, ContactPoint.Kind.MOBILE, "07400 123456")

    response = api.post(
        "/api/v1/preferences/opt-outs/",
        {"mobile": "07400 123456", "channel": "sms"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="stop-shared",
    )

    assert response.status_code == 200
    assert response.json()["patients_opted_out"] == 2
    for each in (patient, sibling):
        assert not Preference.objects.filter(patient=each, channel="sms", allowed=True).exists()


@pytest.mark.parametrize("mobile", ["٠٧٤٠٠١٢٣٤٥٦", "0740O 123456"])
def test_the_api_refuses_mobiles_in_other_digits_or_with_letters(patient, api, mobile):
    response = api.post(
        "/api/v1/preferences/opt-outs/",
        {"mobile": mobile, "channel": "sms"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"stop-{len(mobile)}-{mobile[-1]}",
    )

    assert response.status_code == 400
    assert Preference.objects.filter(patient=patient, channel="sms", allowed=True).exists()

"""The preferences API: per-client authentication, organisation scoping, idempotency, opt-out."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.integrations.models import ApiKey
from preferences.models import Preference
from preferences.selectors import patient_timeline
from tests.integrations.helpers import PROBLEM, issue_key
from tests.preferences.conftest import EMAIL, MOBILE, NHS_NUMBER
from tests.preferences.factories import make_patient

pytestmark = pytest.mark.django_db
LOOKUP = "/api/v1/preferences/patients/lookup/"


@pytest.fixture
def api_key(organisation):
    return issue_key(organisation)


@pytest.fixture
def api(api_key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")


def _change_url(patient):
    return f"/api/v1/preferences/patients/{patient.id}/changes/"


def test_only_the_hash_of_the_key_is_stored(api_key):
    stored = ApiKey.objects.get(client__client_id="sms-gateway")
    assert api_key.startswith("sms-gateway.") and api_key not in stored.key_hash and len(stored.key_hash) == 64


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer sms-gateway.wrong", "Basic abc"])
def test_missing_or_wrong_keys_are_refused(patient, api_key, header):
    client = Client(**({"HTTP_AUTHORIZATION": header} if header else {}))
    response = client.post(LOOKUP, {"nhs_number": NHS_NUMBER}, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="notifyadmin"'
    assert response.json()["type"] == "urn:notifyadmin:problem:unauthenticated"


def test_an_inactive_client_is_refused(patient, api, api_key):
    ApiKey.objects.filter(client__client_id="sms-gateway").update(revoked_at=None)
    from notifyadmin.integrations.models import ApiClient

    ApiClient.objects.filter(client_id="sms-gateway").update(is_active=False)
    assert api.post(LOOKUP, {"nhs_number": NHS_NUMBER}, content_type="application/json").status_code == 401


def test_staff_sessions_cannot_use_the_api(patient, client_for):
    """A signed-in member of staff (even with the CSRF token a page would have) is not a client
    system: the API accepts API keys only, so the session is ignored and the answer is 401."""
    desk = client_for(Role.SERVICE_DESK)
    response = desk.post(LOOKUP, {"nhs_number": NHS_NUMBER}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"] == "Send a client system's API key."
    assert AuditEvent.objects.filter(action="preference.api.read").count() == 0


def test_a_client_without_the_preferences_permission_is_refused(patient, organisation):
    key = issue_key(organisation, client_id="templates-reader", permissions=("template.api",))
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        LOOKUP, {"nhs_number": NHS_NUMBER}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This client system has not been given permission to use this endpoint."


def test_read_by_nhs_number_in_the_body_never_echoes_it(patient, api):
    response = api.post(LOOKUP, {"nhs_number": "999 000 0018"}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["patient_id"] == str(patient.id)
    assert body["nhs_number_masked"] == "*** *** 0018"
    assert body["preferences"]["appointments"]["channels"]["sms"] == {"allowed": True, "effective": True}
    text = response.content.decode()
    assert NHS_NUMBER not in text and MOBILE not in text and EMAIL not in text
    assert AuditEvent.objects.filter(action="preference.api.read", system_client="sms-gateway").count() == 1


def test_read_by_opaque_id(patient, api):
    assert api.get(f"/api/v1/preferences/patients/{patient.id}/").json()["patient_id"] == str(patient.id)


@pytest.mark.hazard("HAZ-001")
def test_another_organisations_patient_is_not_found(api, other_organisation):
    theirs = make_patient(organisation=other_organisation, nhs_number="9990000026")
    response = api.post(LOOKUP, {"nhs_number": "9990000026"}, content_type="application/json")
    assert (response.status_code, response.json()["detail"]) == (404, "No patient found.")
    assert api.get(f"/api/v1/preferences/patients/{theirs.id}/").status_code == 404
    change = api.post(
        _change_url(theirs),
        {"reason": "x", "preferences": []},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert change.status_code == 404


def test_invalid_nhs_number_gets_a_clear_message_without_the_number(patient, api):
    response = api.post(LOOKUP, {"nhs_number": "9990000017"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"nhs_number": ["This is not a valid NHS number: check it and try again"]}
    assert "9990000017" not in response.content.decode()


def test_a_change_is_recorded_with_the_client_and_source_and_is_idempotent(patient, api):
    body = {
        "source": "delivery_bounce",
        "reason": "Email bounced twice",
        "preferences": [{"category": "prescriptions", "channel": "email", "allowed": False}],
    }
    first = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="email").allowed is False
    assert AuditEvent.objects.filter(action="preference.api.changed").count() == 1
    top = patient_timeline(patient=patient)[0]
    assert (top.who, top.system, top.source, top.reason) == (
        "",
        "sms-gateway",
        "Delivery bounce",
        "Email bounced twice",
    )


def test_same_key_with_a_different_body_is_refused(patient, api):
    body = {"reason": "r", "preferences": [{"category": "prescriptions", "channel": "email", "allowed": False}]}
    api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-2")
    body["preferences"][0]["channel"] = "sms"
    response = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-2")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "This Idempotency-Key was already used with a different request. Use a new key for a new change."
    )
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="sms").allowed is True


def test_changes_need_an_idempotency_key_and_a_reason(patient, api):
    body = {"preferences": [{"category": "prescriptions", "channel": "email", "allowed": False}]}
    no_key = api.post(_change_url(patient), {**body, "reason": "r"}, content_type="application/json")
    assert no_key.status_code == 400
    assert no_key.json()["errors"] == {"Idempotency-Key": ["Send an Idempotency-Key header with every change."]}
    response = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["This field is required."]}
    blank = api.post(
        _change_url(patient), {**body, "reason": "   "}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert blank.json()["errors"] == {"reason": ["Enter the reason for this change."]}
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="email").allowed is True


@pytest.mark.hazard("HAZ-008")
def test_the_critical_rule_applies_to_the_api_too(patient, api):
    cells = [
        {"category": "appointments", "channel": ch, "allowed": False} for ch in ("nhsapp", "sms", "email", "letter")
    ]
    response = api.post(
        _change_url(patient),
        {"reason": "r", "preferences": cells},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-crit",
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Appointments is a critical category")


@pytest.mark.hazard("HAZ-009")
def test_contact_point_added_and_landline_refused(patient, api):
    ok = api.post(
        _change_url(patient),
        {
            "reason": "Patient updated the app",
            "contact_point": {"kind": "mobile", "value": "07700 123456", "status": "verified"},
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="cp-1",
    )
    assert ok.status_code == 200
    assert "+447700123456" not in ok.content.decode()
    landline = api.post(
        _change_url(patient),
        {"reason": "r", "contact_point": {"kind": "mobile", "value": "020 7946 0000"}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="cp-2",
    )
    assert landline.status_code == 400
    assert landline.json()["errors"] == {
        "contact_point.value": ["Enter a mobile phone number: text messages cannot be sent to a landline"]
    }


def test_opt_out_by_mobile_closes_sms(patient, api):
    response = api.post(
        "/api/v1/preferences/opt-outs/",
        {"mobile": "07400 123456", "channel": "sms"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="stop-1",
    )
    assert response.status_code == 200
    assert response.json()["critical_categories_kept_open"] == []
    assert not Preference.objects.filter(patient=patient, channel="sms", allowed=True).exists()
    event = AuditEvent.objects.get(action="preference.opt_out.recorded")
    assert (event.system_client, event.reason) == ("sms-gateway", "Patient replied STOP")


def test_create_api_client_prints_the_key_once(organisation, capsys):
    call_command("create_api_client", "--ods-code", "RX1", "--client-id", "pas", "--name", "PAS")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    stored = ApiKey.objects.get(client__client_id="pas")
    assert key.startswith("pas.") and stored.key_hash != key and stored.client.permissions == ["preference.api"]
    assert AuditEvent.objects.get(action="api_client.created").system_client == "create_api_client"
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        .get("/api/v1/preferences/patients/00000000-0000-0000-0000-000000000000/")
        .status_code
        == 404
    )


def test_schema_lists_the_preferences_api():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert "/api/v1/preferences/patients/lookup/" in response.content.decode()


def test_reverse_names_exist():
    assert reverse("preferences-api-opt-out") == "/api/v1/preferences/opt-outs/"


def test_restating_an_unchanged_preference_does_not_block_a_new_contact_point(patient, api):
    """Issue 9: a change that repeats a preference as it already is, with a new contact point,
    used to answer 422 "You have not changed anything" and add nothing."""
    body = {
        "reason": "Patient gave a new mobile",
        "preferences": [{"category": "appointments", "channel": "sms", "allowed": True}],
        "contact_point": {"kind": "mobile", "value": "07700 123456"},
    }
    response = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="restate")
    assert response.status_code == 200
    assert [point["masked"] for point in response.json()["contact_points"]][-1].endswith("456")
    assert patient.contact_points.count() == 3


def test_a_change_that_changes_nothing_is_refused(patient, api):
    body = {"reason": "r", "preferences": [{"category": "appointments", "channel": "sms", "allowed": True}]}
    response = api.post(_change_url(patient), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same")
    assert (response.status_code, response.json()["type"]) == (422, "urn:notifyadmin:problem:refused")


def test_a_change_with_only_a_reason_leaves_every_setting_as_it_is(patient, api):
    patient.no_non_essential = True
    patient.save(update_fields=["no_non_essential"])
    response = api.post(
        _change_url(patient), {"reason": "Just a note"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="n"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "": ["Send at least one change: preferences, no_non_essential, channel_order or contact_point."]
    }
    patient.refresh_from_db()
    assert patient.no_non_essential is True

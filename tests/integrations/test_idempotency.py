"""Idempotency-Key: repeats get the first response, even when they arrive at the same moment
(real threads, real PostgreSQL connections); a different body under the same key is 422; keys
are bounded visible ASCII; a refused first request leaves nothing behind."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.integrations import idempotency
from notifyadmin.integrations.models import IdempotencyRecord
from preferences.api import views as preference_views
from preferences.models import Preference
from tests.integrations.helpers import PROBLEM, issue_key
from tests.preferences.factories import make_patient

BODY = {"reason": "Email bounced", "preferences": [{"category": "prescriptions", "channel": "email", "allowed": False}]}


@pytest.fixture
def api(organisation):
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation)}")


@pytest.fixture
def slow_change(monkeypatch) -> Callable[[float], None]:
    """Make the change take `seconds`, so concurrent repeats really overlap it."""

    def slow(seconds: float) -> None:
        original = preference_views._apply_change

        def slowly(*args, **kwargs):
            time.sleep(seconds)
            return original(*args, **kwargs)

        monkeypatch.setattr(preference_views, "_apply_change", slowly)

    return slow


def _at_once(api: Client, url: str, count: int, key: str = "same-key") -> list:
    barrier = threading.Barrier(count)
    responses: list = [None] * count

    def send(index: int) -> None:
        try:
            barrier.wait()
            responses[index] = api.post(url, BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_five_identical_requests_at_once_all_get_the_first_response(require_postgresql, organisation, api, slow_change):
    patient = make_patient(organisation=organisation)
    slow_change(0.5)
    responses = _at_once(api, f"/api/v1/preferences/patients/{patient.id}/changes/", 5)

    assert [response.status_code for response in responses] == [200] * 5
    first = responses[0].json()
    assert all(response.json() == first for response in responses)
    assert first["preferences"]["prescriptions"]["channels"]["email"] == {"allowed": False, "effective": False}
    assert sorted(response.get("Idempotent-Replayed", "first") for response in responses) == ["first"] + ["true"] * 4
    assert AuditEvent.objects.filter(action="preference.api.changed").count() == 1
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="email").allowed is False
    assert IdempotencyRecord.objects.get().state == IdempotencyRecord.State.COMPLETE


@pytest.mark.django_db(transaction=True)
def test_a_repeat_that_outwaits_the_first_gets_409_with_retry_after(
    require_postgresql, organisation, api, slow_change, monkeypatch
):
    patient = make_patient(organisation=organisation)
    slow_change(1.5)
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    responses = _at_once(api, f"/api/v1/preferences/patients/{patient.id}/changes/", 2)

    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert (refused["Content-Type"], refused["Retry-After"]) == (PROBLEM, "1")
    assert refused.json()["type"] == "urn:notifyadmin:problem:still-being-processed"
    assert refused.json()["detail"] == (
        "A request with this Idempotency-Key is still being processed. Send it again after a moment."
    )
    # Once the first is done, the same repeat is replayed.
    again = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="same-key",
    )
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")


@pytest.mark.django_db
def test_a_refused_first_request_leaves_no_record_so_it_can_be_corrected(organisation, api):
    patient = make_patient(organisation=organisation)
    url = f"/api/v1/preferences/patients/{patient.id}/changes/"
    closing_all = {
        "reason": "r",
        "preferences": [
            {"category": "appointments", "channel": channel, "allowed": False}
            for channel in ("nhsapp", "sms", "email", "letter")
        ],
    }
    refused = api.post(url, closing_all, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert refused.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    corrected = api.post(url, BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert corrected.status_code == 200


@pytest.mark.django_db
def test_same_key_on_another_endpoint_is_a_different_request(organisation, api):
    patient = make_patient(organisation=organisation)
    first = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    other = api.post(
        "/api/v1/preferences/opt-outs/",
        {"patient_id": str(patient.id)},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="shared",
    )
    assert (first.status_code, other.status_code) == (200, 422)
    assert other.json()["type"] == "urn:notifyadmin:problem:idempotency-key-reused"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    ["with\x00nul", "x" * 300, "", "has space", "caf\u00e9", "tab\there"],
    ids=["nul", "300-characters", "empty", "space", "non-ascii", "tab"],
)
def test_keys_must_be_bounded_visible_ascii(organisation, api, key):
    patient = make_patient(organisation=organisation)
    response = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert IdempotencyRecord.objects.count() == 0
    assert Preference.objects.get(patient=patient, category="prescriptions", channel="email").allowed is True


@pytest.mark.django_db
def test_a_key_of_255_visible_characters_is_accepted(organisation, api):
    patient = make_patient(organisation=organisation)
    response = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        BODY,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="~" * 255,
    )
    assert response.status_code == 200

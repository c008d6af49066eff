"""A whole service-desk journey, then a search of every URL requested, every log line and every
error response for the patient's NHS number, mobile and email (in any common spelling)."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from preferences.models import Preference
from preferences.selectors import patient_timeline
from tests.preferences.conftest import EMAIL, MOBILE, NHS_NUMBER

pytestmark = pytest.mark.django_db

FORBIDDEN = [NHS_NUMBER, "999 000 0018", "999-000-0018", MOBILE, "07400123456", "07400 123456", EMAIL]


class RecordingClient(Client):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls: list[str] = []
        self.error_bodies: list[str] = []

    def request(self, **request):
        response = super().request(**request)
        self.urls.append(request.get("PATH_INFO", "") + "?" + request.get("QUERY_STRING", ""))
        if response.status_code >= 400:
            self.error_bodies.append(response.content.decode())
        if response.status_code in (301, 302):
            self.urls.append(response["Location"])
        return response


@pytest.mark.hazard("HAZ-014")
def test_a_whole_journey_leaks_no_identifier(patient, desk_user, other_organisation, caplog):
    caplog.set_level(logging.DEBUG)
    client = RecordingClient()
    client.force_login(desk_user)
    find = reverse("preferences:patient-find")

    client.get(find)
    client.post(find, {"search_by": "nhs_number", "search_value": "999 000 0017", "reason": "Patient wrote to us"})
    client.post(find, {"search_by": "nhs_number", "search_value": "999 000 0018", "reason": ""})
    client.post(find, {"search_by": "mobile", "search_value": "07400 123456", "reason": "Patient wrote to us"})
    client.post(find, {"search_by": "email", "search_value": EMAIL, "reason": "Patient wrote to us"})
    response = client.post(
        find,
        {"search_by": "nhs_number", "search_value": "999-000-0018", "reason": "Patient phoned the service desk"},
        follow=True,
    )
    assert response.status_code == 200
    detail = reverse("preferences:patient-detail", args=[patient.id])
    for point in patient.contact_points.all():
        client.post(reverse("preferences:contact-reveal", args=[patient.id, point.id]))
    grid = {f"pref__{p.category}__{p.channel}": "on" for p in Preference.objects.filter(patient=patient, allowed=True)}
    base = {**grid, "first_channel": "sms", "source": "phone_call", "lock_version": patient.lock_version}
    change = reverse("preferences:preferences-change", args=[patient.id])
    client.post(change, {**base, "reason": ""})
    client.post(change, {**base, "pref__prescriptions__sms": "", "reason": f"Patient {EMAIL} asked"})
    client.post(change, {**base, "reason": "stale now"})
    client.post(change, {k: v for k, v in base.items() if not k.startswith("pref__appointments")} | {"reason": "x"})
    client.get(detail)
    client.get(reverse("preferences:patient-timeline", args=[patient.id]))
    entries = patient_timeline(patient=patient)
    client.get(
        reverse("preferences:patient-compare", args=[patient.id]),
        {"earlier": entries[-1].change_id, "later": entries[0].change_id},
    )
    client.get(reverse("preferences:patient-compare", args=[patient.id]), {"earlier": "junk", "later": "not-a-change"})
    revert = reverse("preferences:patient-revert", args=[patient.id]) + f"?to={entries[-1].change_id}"
    client.get(revert)
    client.post(revert, {"source": "", "reason": "", "lock_version": "0"})
    client.get(reverse("preferences:patient-detail", args=["00000000-0000-0000-0000-000000000000"]))

    log_text = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    haystacks = {"urls": "\n".join(client.urls), "logs": log_text, "errors": "\n".join(client.error_bodies)}
    assert client.error_bodies, "the journey should include refused requests"
    for where, text in haystacks.items():
        for value in FORBIDDEN:
            assert not re.search(re.escape(value), text, re.IGNORECASE), f"{value!r} leaked into {where}"

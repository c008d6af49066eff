"""The auditor finds a patient by NHS number through the lookup preferences registers with the
audit trail: the trail is filtered by the opaque reference and the number is in no URL."""

import pytest

from notifyadmin.accounts.roles import Role
from tests.preferences.factories import make_patient

pytestmark = pytest.mark.django_db


def test_an_auditor_finds_a_patient_of_their_organisation_by_nhs_number(client_for, organisation):
    patient = make_patient(organisation=organisation, nhs_number="9990000018")
    response = client_for(Role.AUDITOR).post("/audit/patient/", {"nhs_number": "999 000 0018"})
    assert response.status_code == 302
    assert response["Location"] == f"/audit/?patient={patient.id}"


def test_another_organisations_patient_is_not_found(client_for, other_organisation):
    make_patient(organisation=other_organisation, nhs_number="9990000018")
    response = client_for(Role.AUDITOR).post("/audit/patient/", {"nhs_number": "9990000018"})
    assert response.status_code == 400
    assert "No patient with this NHS number has a record in your organisations" in response.content.decode()

from collections.abc import Callable

import pytest

from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from preferences.models import ChangeSource, ContactPoint, Patient
from tests.preferences.factories import add_contact, make_patient

NHS_NUMBER = "9990000018"
MOBILE = "+447400123456"
EMAIL = "sam.patient@example.com"


@pytest.fixture
def patient(organisation: Organisation) -> Patient:
    patient = make_patient(organisation=organisation, nhs_number=NHS_NUMBER, given_name="Sam", family_name="Patient")
    add_contact(patient, ContactPoint.Kind.MOBILE, "07400 123456")
    add_contact(patient, ContactPoint.Kind.EMAIL, EMAIL)
    patient.refresh_from_db()
    return patient


@pytest.fixture
def desk_user(make_staff: Callable[..., StaffUser]) -> StaffUser:
    return make_staff(Role.SERVICE_DESK, first_name="Gareth", last_name="Lloyd")


@pytest.fixture
def desk_context(desk_user: StaffUser, organisation: Organisation) -> Actor:
    return Actor.staff(user=desk_user, role=Role.SERVICE_DESK, organisation=organisation)


@pytest.fixture
def desk_meta() -> Callable[..., dict[str, str]]:
    """How and why a change reached the service desk, as the services take them."""

    def make(reason: str = "Patient asked on the phone", source: str = ChangeSource.PHONE_CALL) -> dict[str, str]:
        return {"source": source, "reason": reason}

    return make

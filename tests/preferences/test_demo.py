import pytest

from notifyadmin.core.demo import seed_foundation
from preferences import demo
from preferences.models import ContactPoint, Patient
from preferences.nhs_number import check_digit_is_valid
from preferences.selectors import patient_timeline

pytestmark = pytest.mark.django_db


@pytest.mark.hazard("HAZ-011")
def test_demo_patients_are_synthetic_have_every_status_and_months_of_history():
    context = seed_foundation(password="demo-password-not-secret")

    demo.seed(context)
    demo.seed(context)  # safe to run twice

    patients = list(Patient.objects.filter(organisation=context.organisation))
    assert len(patients) == 12
    assert all(p.nhs_number.startswith("999") and check_digit_is_valid(p.nhs_number) for p in patients)
    assert set(ContactPoint.objects.values_list("status", flat=True)) == set(ContactPoint.Status.values)
    timeline = patient_timeline(patient=patients[0])
    assert (timeline[0].at - timeline[-1].at).days > 90
    assert len({entry.who for entry in timeline if entry.who}) >= 2
    assert {entry.source for entry in timeline} >= {"Phone call", "Another system's API"}

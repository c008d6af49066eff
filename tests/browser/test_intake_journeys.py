"""Operations maps appointment reminders to a template with reminder offsets, checked by
axe-core on every page."""

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.intake.models import EventMapping
from tests.intake.conftest import make_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operations_maps_reminders_with_offsets(page, organisation, make_staff, sign_in, assert_accessible):
    make_template(organisation, make_staff(), "Appointment reminder", [])
    person = make_staff(Role.OPERATIONS)
    sign_in(page, person.username)
    page.get_by_role("link", name="Event mappings").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Event mappings")
    assert_accessible(page)

    page.get_by_role("link", name="Change the mapping for Appointment reminder due").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mapping for “Appointment reminder due”")
    assert_accessible(page)
    page.get_by_label("Template to send").select_option(label="Appointment reminder")
    page.get_by_label("Reminders: hours before the appointment (optional)").fill("a week")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter whole numbers of hours")
    assert_accessible(page)
    page.get_by_label("Reminders: hours before the appointment (optional)").fill("168, 24")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator("main")).to_contain_text("Reminders 7 days and 1 day before the appointment")
    assert_accessible(page)
    assert EventMapping.objects.get().reminder_offsets_hours == [168, 24]

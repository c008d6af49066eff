"""Journey of the safety case page: a clinical safety officer opens it from the header, follows
a failing control from the summary to its hazard, and every view passes axe-core."""

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.safety.results import results_merge, results_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILED_TEST = "tests/templates_app/test_services.py::test_author_cannot_sign_off"


def test_cso_reads_the_safety_case_and_follows_a_failing_control(
    page, make_staff, sign_in, assert_accessible, settings, tmp_path
):
    # Given a test run in which a four-eyes test of HAZ-006 failed
    results = tmp_path / "results.json"
    results_write(results, results_merge(existing={}, cases={FAILED_TEST: ("failed", ["HAZ-006"])}, run_at="T"))
    settings.SAFETY_RESULTS_PATH = results
    cso = make_staff(Role.CLINICAL_SAFETY_OFFICER)
    # When the clinical safety officer opens the safety case from the header
    sign_in(page, cso.username)
    page.get_by_role("link", name="Safety case", exact=True).click()
    # Then they see the case, with the failing control named in the summary
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical safety case")
    expect(page.get_by_role("heading", name="HAZ-012: An outage of NHS Notify goes unnoticed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="HAZ-006/C3").click()
    row = page.locator("#HAZ-006-C3")
    expect(row).to_contain_text("Four eyes")
    expect(row.locator(".nhsuk-tag").last).to_have_text("failing")
    expect(row).to_contain_text(f"{FAILED_TEST} failed")


def test_cso_raises_a_hazard_and_records_a_status_with_a_reason(page, make_staff, sign_in, assert_accessible):
    cso = make_staff(Role.CLINICAL_SAFETY_OFFICER, first_name="Helen", last_name="Marsh")
    # Given a clinical safety officer on the hazards page, reached from the header
    sign_in(page, cso.username)
    page.get_by_role("link", name="Hazards", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hazards")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Open")  # open hazards first
    assert_accessible(page)
    # When they raise a hazard, leaving out its effect first
    page.get_by_role("link", name="Raise a hazard").click()
    page.get_by_label("Title of the hazard").fill("Clinic moved")
    page.get_by_label("Cause").fill("The template names the old site")
    page.get_by_role("button", name="Raise the hazard").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter the effect on the patient of the hazard you are raising"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Enter the effect on the patient of the hazard you are raising").click()
    expect(page.get_by_label("Effect on the patient")).to_be_focused()
    page.get_by_label("Effect on the patient").fill("The patient goes to the wrong site")
    page.get_by_role("button", name="Raise the hazard").click()
    # Then it is open, with its own id
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinic moved")
    expect(page.locator(".nhsuk-caption-l")).to_have_text("APP-001")
    assert_accessible(page)
    # When they try to mark a log hazard mitigated whose controls lack tests, they are told why
    page.goto(page.url.replace("APP-001", "HAZ-001"))
    page.get_by_label("Mitigated").check()
    page.get_by_label("Reason for the change").fill("Looks fine")
    page.get_by_role("button", name="Record the status").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("controls C3, C4 are planned or name no test")
    assert_accessible(page)
    # And accepting it, with a reason, is recorded in its history
    page.get_by_label("Accepted").check()
    page.get_by_label("Reason for the change").fill("Residual risk agreed at the safety board")
    page.get_by_role("button", name="Record the status").click()
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Accepted")
    expect(page.get_by_text("by Helen Marsh: Residual risk agreed at the safety board")).to_be_visible()
    assert_accessible(page)

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

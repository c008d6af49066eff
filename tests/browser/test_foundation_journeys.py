"""Journeys of the foundation: every role lands on its home; lockout; auditor filters and exports."""

import csv
import io

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.core.home import ROLE_HOMES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_home(page, make_staff, sign_in, assert_accessible, role):
    # Given a member of staff holding one role
    user = make_staff(role, first_name="Robin", last_name="Carter")
    # When they sign in (sign_in checks the sign-in page with axe-core)
    sign_in(page, user.username)
    # Then they see their role's home, with their name, role and organisation in the header
    expect(page.get_by_role("heading", level=1)).to_have_text(ROLE_HOMES[role].title)
    header = page.locator("header")
    expect(header).to_contain_text("Robin Carter")
    expect(header).to_contain_text(f"{role.label}, Northfield Teaching Hospitals NHS Foundation Trust (RX1)")
    assert_accessible(page)


def test_a_person_with_several_roles_switches_role(page, make_staff, sign_in, assert_accessible):
    user = make_staff(Role.CONTENT_DESIGNER, Role.AUDITOR)
    sign_in(page, user.username)
    page.get_by_role("link", name="Switch role").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Which role do you want to work in?")
    assert_accessible(page)
    page.get_by_label("Auditor, Northfield Teaching Hospitals NHS Foundation Trust (RX1)").check()
    page.get_by_role("button", name="Switch role").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
    expect(page.locator("header")).to_contain_text("Auditor, Northfield")


def test_signing_out_says_so_and_the_refused_password_is_not_kept(page, make_staff, sign_in, assert_accessible):
    user = make_staff(Role.AUDITOR)
    sign_in(page, user.username, password="a-wrong-password-typed")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a correct username and password")
    expect(page.locator("#id_password")).to_have_value("")
    sign_in(page, user.username)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(page, make_staff, sign_in, assert_accessible):
    user = make_staff(Role.SERVICE_DESK)
    for attempt in range(1, 5):
        sign_in(page, user.username, password=f"wrong-password-{attempt}")
        expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a correct username and password")
    assert_accessible(page)
    sign_in(page, user.username, password="wrong-password-5")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    expect(page.locator("main")).to_contain_text("locked after 5 failed sign-in attempts")
    assert_accessible(page)
    # The right password no longer works until the cool-off has passed.
    sign_in(page, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")


def test_auditor_filters_the_trail_and_downloads_the_csv(page, make_staff, sign_in, assert_accessible):
    auditor = make_staff(Role.AUDITOR, first_name="Michael", last_name="Green")
    designer = make_staff(Role.CONTENT_DESIGNER)
    sign_in(page, designer.username)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, auditor.username)

    page.get_by_role("link", name="Audit trail").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)
    page.get_by_label("Action").select_option("auth.signed_out")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main")).to_contain_text("1 event match.")
    expect(page.locator("tbody")).to_contain_text("auth.signed_out")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these events as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert [row["action"] for row in rows] == ["auth.signed_out"]
    assert rows[0]["actor_id"] == str(designer.id)


def test_auditor_sees_a_clear_message_for_dates_the_wrong_way_round(page, make_staff, sign_in, assert_accessible):
    auditor = make_staff(Role.AUDITOR)
    sign_in(page, auditor.username)
    page.goto(
        "/audit/?date_from_day=10&date_from_month=3&date_from_year=2026&date_to_day=1&date_to_month=3&date_to_year=2026"
    )
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Date to must be the same as or after date from")
    assert_accessible(page)


def test_the_accessibility_check_fails_a_page_with_a_critical_violation(page, assert_accessible):
    # Guards the guard: an image without alternative text is a critical axe-core violation.
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(page)

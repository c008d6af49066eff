"""The administrator's API client journey, without JavaScript needs, checked by axe-core on
every page: create a client (key shown once), rotate its key, revoke the old one, deactivate."""

import re

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from notifyadmin.integrations.models import ApiClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_rotates_and_deactivates_a_client(page, make_staff, sign_in, assert_accessible):
    admin = make_staff(Role.ADMINISTRATOR)
    sign_in(page, admin.username)
    page.get_by_role("link", name="API clients").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API clients")
    assert_accessible(page)

    page.get_by_role("link", name="Create an API client").click()
    page.get_by_role("button", name="Create and show the key").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the name of the client system")
    assert_accessible(page)
    page.get_by_label("Name of the client system").fill("GP SMS gateway")
    page.get_by_label("Client id").fill("gp-sms")
    page.get_by_label("Read and change patients' contact preferences, and record opt-outs").check()
    page.get_by_role("button", name="Create and show the key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API client created")
    expect(page.locator("#api-key")).to_have_text(re.compile(r"^gp-sms\..{40,}$"))
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("I have stored the key")).click()
    page.get_by_role("link", name="Rotate the key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Rotate the key of "))
    assert_accessible(page)
    page.get_by_label("24 hours").check()
    page.get_by_label("Reason").fill("Yearly rotation")
    page.get_by_role("button", name="Issue a new key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New API key issued")

    page.get_by_role("link", name=re.compile("I have stored the key")).click()
    expect(page.locator("table")).to_contain_text("Works until")
    assert_accessible(page)
    page.get_by_role("link", name="Deactivate this client system").click()
    expect(page.locator("main")).to_contain_text(
        "Every request from GP SMS gateway, with any of its keys, will be refused"
    )
    assert_accessible(page)
    page.get_by_label("Reason").fill("Gateway retired")
    page.get_by_role("button", name="Deactivate client system").click()
    expect(page.locator("main")).to_contain_text("Deactivated: every request is refused.")
    assert ApiClient.objects.get().is_active is False

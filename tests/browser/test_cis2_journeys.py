"""CIS2 journeys in a browser: sign in at the CIS2 stand-in, land on the role's home; a
back-channel logout from the stand-in ends the session in notifyadmin."""

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.cis2.provider import caches_clear
from notifyadmin.accounts.models import Cis2Session
from tests.accounts.cis2_support import client_key_files, configure, role_mappings_seed, standin_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cis2_live(live_server, settings, tmp_path, organisation):
    """A stand-in whose client is notifyadmin at the live server's (random) address."""
    base_url = live_server.url
    private, public = client_key_files(tmp_path / "client")
    standin = standin_for(
        tmp_path=tmp_path, base_url=base_url, backchannel_uri=f"{base_url}/oidc/backchannel-logout/", public_key=public
    )
    configure(settings, standin=standin, private_key=private, base_url=base_url)
    role_mappings_seed(organisation)
    yield standin
    standin.stop()
    caches_clear()


def test_new_user_signs_in_with_cis2_and_is_signed_out_by_backchannel(page, cis2_live, assert_accessible):
    # Given the sign-in page offers CIS2
    page.goto("/accounts/sign-in/")
    assert_accessible(page)
    # When a new user clicks "Sign in with CIS2" and picks a test identity at the stand-in
    page.get_by_role("link", name="Sign in with CIS2").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Tomasz Nowak").check()
    page.get_by_role("button", name="Continue").click()
    # Then they land on their role's home page, with their name, role and organisation shown
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical safety")
    header = page.locator("header")
    expect(header).to_contain_text("Tomasz Nowak")
    expect(header).to_contain_text("Clinical safety officer, Northfield Teaching Hospitals NHS Foundation Trust (RX1)")
    assert_accessible(page)
    # When they are signed out at the stand-in (back-channel)
    sid = Cis2Session.objects.get().sid
    deliveries = cis2_live.backchannel_logout(sid)
    assert [d.status for d in deliveries] == [200]
    # Then their notifyadmin session has ended
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/accounts/sign-in/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to notifyadmin")


def test_role_without_access_sees_whom_to_ask(page, cis2_live, assert_accessible):
    page.goto("/oidc/authenticate/")
    page.get_by_label("Sandra Whitlock").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to notifyadmin")
    expect(page.locator("main")).to_contain_text("notifyadmin administrator")
    assert_accessible(page)


def test_administrator_adds_a_role_mapping(page, make_staff, sign_in, assert_accessible):
    from notifyadmin.accounts.models import Cis2RoleMapping
    from notifyadmin.accounts.roles import Role

    admin = make_staff(Role.ADMINISTRATOR)
    sign_in(page, admin.username)
    page.get_by_role("link", name="CIS2 role mappings").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CIS2 role mappings")
    assert_accessible(page)
    page.get_by_role("link", name="Add a role mapping").click()
    page.get_by_role("button", name="Save role mapping").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a CIS2 role code")
    assert_accessible(page)
    page.get_by_label("CIS2 role code").fill("S8001:G8006:R5005")
    page.get_by_label("notifyadmin role").select_option("auditor")
    page.get_by_role("button", name="Save role mapping").click()
    expect(page.locator("main")).to_contain_text("S8001:G8006:R5005")
    assert_accessible(page)
    assert Cis2RoleMapping.objects.get().app_role == "auditor"

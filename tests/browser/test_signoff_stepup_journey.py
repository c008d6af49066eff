"""Journey: a clinical safety officer who takes 20 minutes over a sign-off confirms their
identity when they submit it and returns to the form as they left it (issue 12 item 2)."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from templates_app.models import VersionStatus
from tests.factories import TEST_PASSWORD
from tests.templates_app.conftest import ctx, version_brought_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def version_awaiting_sign_off(make_staff, organisation):
    return version_brought_to(
        VersionStatus.CONTENT_APPROVED,
        as_designer=ctx(make_staff(Role.CONTENT_DESIGNER), Role.CONTENT_DESIGNER, organisation),
        as_designer2=ctx(make_staff(Role.CONTENT_DESIGNER), Role.CONTENT_DESIGNER, organisation),
        as_cso=ctx(make_staff(Role.CLINICAL_SAFETY_OFFICER), Role.CLINICAL_SAFETY_OFFICER, organisation),  # unused
    )


def age_the_sign_in(page, *, minutes: int) -> None:
    """As if the person signed in `minutes` ago and has been active since."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=cookie["value"])
    session["signed_in_at"] = int(time.time()) - minutes * 60
    session["last_activity"] = int(time.time())
    session.save()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_slow_sign_off_confirms_identity_and_keeps_the_form(
    page, make_staff, organisation, sign_in, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    version = version_awaiting_sign_off(make_staff, organisation)
    cso = make_staff(Role.CLINICAL_SAFETY_OFFICER)
    url = f"/templates/{version.template_id}/versions/{version.id}/sign-off/"
    # Given a CSO who opened the sign-off form and filled it in
    sign_in(page, cso.username)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical sign-off")
    page.get_by_label("Sign off").check()
    page.get_by_label("HAZ-001 A message is sent to the wrong patient").check()
    page.get_by_label("HAZ-011 A test message reaches a real patient").check()
    page.get_by_label("I make this declaration").check()
    page.get_by_label("Comments").fill("Checked against the clinic's letter.")
    # When they submit it 20 minutes after signing in
    age_the_sign_in(page, minutes=20)
    page.get_by_role("button", name="Record decision").click()
    # Then they confirm their identity
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    # And are back on the form as they left it
    expect(page.get_by_role("heading", level=1)).to_have_text("Clinical sign-off")
    expect(page.get_by_text("You have confirmed your identity. What you entered is below")).to_be_visible()
    expect(page.get_by_label("Sign off")).to_be_checked()
    expect(page.get_by_label("HAZ-001 A message is sent to the wrong patient")).to_be_checked()
    expect(page.get_by_label("HAZ-011 A test message reaches a real patient")).to_be_checked()
    expect(page.get_by_label("HAZ-002 A message is sent twice")).not_to_be_checked()
    expect(page.get_by_label("I make this declaration")).to_be_checked()
    expect(page.get_by_label("Comments")).to_have_value("Checked against the clinic's letter.")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # And sign off without typing anything again
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Version signed off. A content designer can now publish it.")).to_be_visible()
    expect(
        page.get_by_text(
            "Hazards considered at sign-off: HAZ-001 A message is sent to the wrong patient, "
            "HAZ-011 A test message reaches a real patient"
        )
    ).to_be_visible()
    assert_accessible(page)

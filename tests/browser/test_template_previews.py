"""Previews in the browser: each channel looks like the message and passes axe; the letter proof
opens as a PDF. Screenshots land in test-results/previews/ for a person to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from notifyadmin.accounts.roles import Role
from templates_app import services
from tests.templates_app.conftest import ctx, new_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results/previews")
BODY = (
    "Your breast screening appointment is on {{ appointment_date }} at 10:30.\n\n"
    "Bring a list of your medicines. Reply STOP to opt out."
)


def test_each_channel_preview_looks_like_the_message(page, make_staff, organisation, sign_in, assert_accessible):
    designer = make_staff(Role.CONTENT_DESIGNER, first_name="Priya", last_name="Shah")
    actor = ctx(designer, Role.CONTENT_DESIGNER, organisation)
    template = new_template(actor, "Screening invitation")
    version = template.versions.get()
    services.version_draft_save(
        actor=actor,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms", "email", "letter"],
        schema=[
            {
                "name": "appointment_date",
                "type": "date",
                "max_length": 0,
                "personal_data": "low",
                "sample_value": "2026-12-01",
            }
        ],
        contents=[
            {"channel": "nhsapp", "language": "en", "subject": "", "body": BODY},
            {"channel": "sms", "language": "en", "subject": "", "body": BODY},
            {"channel": "email", "language": "en", "subject": "Your screening appointment", "body": BODY},
            {"channel": "letter", "language": "en", "subject": "", "body": "Dear patient\n\n" + BODY},
        ],
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, designer.username)
    base = f"/templates/{template.id}/versions/{version.id}/preview/"
    for channel in ("sms", "nhsapp", "email", "letter"):
        page.goto(f"{base}?channel={channel}&language=en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Preview:")
        assert_accessible(page)
        page.screenshot(path=str(SHOTS / f"{channel}.png"), full_page=True)
    page.goto(f"{base}?channel=sms&language=en")
    expect(page.locator("#sms-text")).to_contain_text("Tuesday 1 December 2026")
    expect(page.locator("#cost")).to_have_text("Estimated cost: £0.0197 (1 text message charged)")

    # The letter proof is a PDF of the rendered letter
    response = page.request.get(f"{base}letter.pdf?language=en")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

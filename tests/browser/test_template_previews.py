"""Previews in the browser, on a desktop and at 375 px (a phone): each channel looks like the
message, passes axe and does not widen the page; the letter proof opens as a PDF showing the
letter. Screenshots land in test-results/previews/ for a person to look at."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from notifyadmin.accounts.roles import Role
from templates_app import services
from tests.templates_app.conftest import ctx, new_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-results/previews")
BODY = (
    "Your breast screening appointment is on {{ appointment_date }} at 10:30.\n\n"
    "Bring a list of your medicines. Reply STOP to opt out."
)


@pytest.mark.parametrize("width", [1280, 375])
def test_each_channel_preview_looks_like_the_message(page, make_staff, organisation, sign_in, assert_accessible, width):
    page.set_viewport_size({"width": width, "height": 900})
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
        assert page.evaluate("document.documentElement.scrollWidth") <= width, channel
        page.screenshot(path=str(SHOTS / (f"{channel}.png" if width > 375 else f"{channel}-375.png")), full_page=True)
    page.goto(f"{base}?channel=sms&language=en")
    expect(page.locator("#sms-text")).to_contain_text("Tuesday 1 December 2026")
    expect(page.locator("#cost")).to_have_text("Estimated cost: £0.0197 (1 text message charged)")

    # The letter proof is a PDF of the rendered letter
    response = page.request.get(f"{base}letter.pdf?language=en")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    proof = PdfReader(io.BytesIO(response.body()))
    assert len(proof.pages) == 1
    letter = " ".join(proof.pages[0].extract_text().split())
    assert "Dear patient" in letter
    assert "Your breast screening appointment is on Tuesday 1 December 2026 at 10:30." in letter
    # And the preview page shows the proof in a frame of its own
    page.goto(f"{base}?channel=letter&language=en")
    expect(page.locator("iframe[title='Letter proof (PDF)']")).to_have_attribute("src", f"{base}letter.pdf?language=en")

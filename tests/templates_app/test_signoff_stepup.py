"""Step-up at the moment of sign-off: the CSO confirms their identity and returns to the same
form with what they entered kept, then signs off without typing it again (issue 12 item 2)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.safety.models import RaisedHazard, SignOffHazard
from templates_app.models import TemplateVersion, VersionStatus
from templates_app.views.reviews import RESTORED_MESSAGE

PASSWORD = "correct-horse-battery-staple"
SIGNED_IN_AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


class FormValues(HTMLParser):
    """The values a browser would submit from the page's sign-off form, as the page shows them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.textarea = action, False, None
        self.values: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        elif self.inside and tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                self.values.append((attributes["name"], attributes.get("value") or ""))
        elif self.inside and tag == "textarea":
            self.textarea = attributes["name"]
            self.values.append((self.textarea, ""))

    def handle_data(self, data):
        if self.textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_values(page: str, action: str) -> dict[str, list[str]]:
    parser = FormValues(action)
    parser.feed(page)
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        values.setdefault(name, []).append(value)
    return values


@pytest.mark.django_db
def test_a_cso_who_posts_twenty_minutes_after_signing_in_confirms_and_signs_off_without_retyping(version_in, cso):
    version = version_in(VersionStatus.CONTENT_APPROVED)
    url = reverse("templates_app:version-sign-off", args=[version.template_id, version.id])
    client = Client()
    with time_machine.travel(SIGNED_IN_AT, tick=False) as clock:
        # Given a CSO who signs in with their password and opens the sign-off form at once
        signed_in = client.post(reverse("accounts:sign-in"), {"username": "cso", "password": PASSWORD})
        assert signed_in.status_code == 302
        assert client.get(url).status_code == 200  # not asked for the password seconds after signing in
        # When they fill it in over 20 minutes (opening the form again at 10) and submit it
        clock.shift(dt.timedelta(minutes=10))
        assert client.get(url).status_code == 200
        clock.shift(dt.timedelta(minutes=10))
        typed = {
            "content_hash": version.content_hash,
            "decision": "sign_off",
            "declaration": "on",
            "hazards": ["HAZ-001", "HAZ-011"],
            "raised_title": "Clinic address out of date",
            "raised_cause": "The clinic moved and the template still names the old site",
            "raised_effect": "The patient goes to the wrong site and misses the appointment",
            "comments": "Checked against the clinic's new letterhead.",
        }
        submitted = client.post(url, typed)
        # Then they are asked to confirm their identity, and nothing is signed off yet
        assert submitted.status_code == 302
        assert submitted.url.startswith(reverse("accounts:stepup") + "?next=")
        assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.CONTENT_APPROVED
        confirmed = client.post(reverse("accounts:stepup"), {"password": PASSWORD, "next": url})
        assert confirmed.status_code == 302
        assert confirmed.url == url
        # And back on the form, what they typed is there
        page = client.get(url).content.decode()
        assert RESTORED_MESSAGE in page
        shown = form_values(page, url)
        assert shown == {
            "csrfmiddlewaretoken": shown["csrfmiddlewaretoken"],
            "content_hash": [version.content_hash],
            "decision": ["sign_off"],
            "declaration": ["on"],
            "hazards": ["HAZ-001", "HAZ-011"],
            "raised_title": ["Clinic address out of date"],
            "raised_cause": ["The clinic moved and the template still names the old site"],
            "raised_effect": ["The patient goes to the wrong site and misses the appointment"],
            "comments": ["Checked against the clinic's new letterhead."],
        }
        # When they submit the form as shown, Then the version is signed off with all of it
        recorded = client.post(url, shown)
    assert recorded.status_code == 302
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.SIGNED_OFF
    review = version.reviews.get(stage="clinical")
    assert review.comments == "Checked against the clinic's new letterhead."
    assert list(SignOffHazard.objects.filter(review=review).values_list("hazard_id", flat=True)) == [
        "HAZ-001",
        "HAZ-011",
    ]
    raised = RaisedHazard.objects.get(review=review)
    assert (raised.reference, raised.title) == ("APP-001", "Clinic address out of date")
    assert AuditEvent.objects.filter(action="auth.stepup.succeeded", target_id=str(cso.pk)).count() == 1


@pytest.mark.django_db
def test_the_kept_form_is_restored_once_and_keyed_by_its_version(version_in, client_for, cso):
    # Given a CSO without a recent authentication who submits a sign-off
    version = version_in(VersionStatus.CONTENT_APPROVED)
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    url = reverse("templates_app:version-sign-off", args=[version.template_id, version.id])
    client.post(url, {"content_hash": version.content_hash, "decision": "sign_off", "comments": "Kept"})
    # Then what they typed is kept under the version's id, and put back in the form once
    assert client.session[f"signoff_draft:{version.id}"]["comments"] == "Kept"
    first = client.get(url).content.decode()
    assert RESTORED_MESSAGE in first and ">Kept</textarea>" in first
    assert RESTORED_MESSAGE not in client.get(url).content.decode()

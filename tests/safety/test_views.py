"""The safety case page: read only, for clinical safety officers and auditors."""

import html
import re

import pytest
from django.urls import reverse

from notifyadmin.accounts.roles import Role
from notifyadmin.safety.hazard_log import HAZARDS_DIR, hazard_log_load
from notifyadmin.safety.results import results_merge, results_write

pytestmark = pytest.mark.django_db

ALLOWED = [Role.CLINICAL_SAFETY_OFFICER, Role.AUDITOR]


def text_of(page: str) -> str:
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()
    return html.unescape(re.sub(r" ([:;,.])", r"\1", spaced))


@pytest.fixture
def results(tmp_path, settings):
    path = tmp_path / "results.json"
    cases = {"tests/preferences/test_api.py::test_the_critical_rule_applies_to_the_api_too": ("failed", ["HAZ-008"])}
    results_write(path, results_merge(existing={}, cases=cases, run_at="2026-11-30T04:00:00+00:00"))
    settings.SAFETY_RESULTS_PATH = path
    return path


@pytest.mark.parametrize("role", ALLOWED)
def test_clinical_safety_officers_and_auditors_read_the_case(client_for, role, results):
    response = client_for(role).get(reverse("safety:case"))
    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(page)
    assert "<h1>Clinical safety case</h1>" in page
    assert "<title>Clinical safety case – notifyadmin – NHS</title>" in page
    for hazard in hazard_log_load():
        assert f"{hazard.id}: {hazard.title}" in text
    assert "15 hazards: 10 open, 5 mitigated, 0 accepted, 0 closed." in text
    assert (
        "release: HAZ-008/C2: The preferences API applies the same rule to client systems." in text
    )  # the failing control, named in the warning
    assert "tests/preferences/test_api.py::test_the_critical_rule_applies_to_the_api_too failed" in text
    assert "Test results recorded 2026-11-30T04:00:00+00:00" in text
    # Read only: no form on the page but the header's sign-out.
    assert re.findall(r"<form[^>]*action=\"([^\"]*)\"", page) == [reverse("accounts:sign-out")]


@pytest.mark.parametrize("role", [r for r in Role if r not in ALLOWED])
def test_other_roles_are_refused(client_for, role, results):
    response = client_for(role).get(reverse("safety:case"))
    assert response.status_code == 403
    assert "Clinical safety case" not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("safety:case"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next=/safety-case/"


def test_the_page_is_read_only(client_for, results):
    response = client_for(Role.CLINICAL_SAFETY_OFFICER).post(reverse("safety:case"))
    assert response.status_code == 405


def test_the_header_links_to_the_case_for_allowed_roles_only(client_for, results):
    link = f'href="{reverse("safety:case")}"'
    assert link in client_for(Role.AUDITOR).get(reverse("core:home")).content.decode()
    assert link not in client_for(Role.SERVICE_DESK).get(reverse("core:home")).content.decode()


def test_a_hazard_log_that_does_not_load_is_reported_not_half_shown(client_for, results, settings, tmp_path):
    # Given a release whose hazard log has a file missing its title
    broken = tmp_path / "hazards"
    broken.mkdir()
    good = (HAZARDS_DIR / "HAZ-001.yaml").read_text(encoding="utf-8")
    (broken / "HAZ-001.yaml").write_text(good.replace("title: A message is sent to the wrong patient\n", ""))
    settings.SAFETY_HAZARDS_DIR = broken
    # When an auditor opens the safety case, then the problem is named and no case is shown
    response = client_for(Role.AUDITOR).get(reverse("safety:case"))
    assert response.status_code == 503
    text = text_of(response.content.decode())
    assert "The safety case cannot be shown" in text
    assert "HAZ-001.yaml: at the top level: 'title' is a required property" in text
    assert "Hazard log" not in text


def test_an_unreadable_results_file_is_reported(client_for, settings, tmp_path):
    path = tmp_path / "results.json"
    path.write_text("[1, 2]", encoding="utf-8")
    settings.SAFETY_RESULTS_PATH = path
    response = client_for(Role.CLINICAL_SAFETY_OFFICER).get(reverse("safety:case"))
    assert response.status_code == 503
    assert f"{path} is not a test results record: delete it and run the tests again" in text_of(
        response.content.decode()
    )

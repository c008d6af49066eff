"""Each role's home page shows its own work and a next step; every empty list says what would
appear there and how to make it appear (issue 12, item 3)."""

import html as html_lib
import re

import pytest

from notifyadmin.accounts.models import Cis2RoleMapping
from notifyadmin.accounts.roles import Role
from notifyadmin.integrations.models import ApiClient
from tests.preferences.factories import make_patient


def text_of(response) -> str:
    html = response.content.decode()
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def headings(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r"<h2[^>]*>(.*?)</h2>", response.content.decode(), re.S)
    ]


def test_service_desk_home_has_the_patient_search_itself(client_for, settings):
    settings.PATIENT_SEARCH_HINT = "For example, 999 000 0018 (Margaret Holloway, a demo patient)."
    response = client_for(Role.SERVICE_DESK).get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert headings(response)[0] == "Find a patient"
    assert '<form method="post" action="/patients/" novalidate autocomplete="off">' in html
    for field in ('name="search_by"', 'name="search_value"', 'name="reason"', 'name="reason_detail"'):
        assert field in html
    assert "For example, 999 000 0018 (Margaret Holloway, a demo patient)." in html
    assert re.search(r"<option value=\"other\"\s*>Another reason</option>", html)
    assert (
        "Next, on the patient's page: check their details with the caller, then see their messages and change "
        "their contact preferences."
    ) in text_of(response)


def test_the_home_search_form_finds_a_patient_when_posted_to_the_find_page(client_for, organisation):
    patient = make_patient(organisation=organisation, nhs_number="9990000018", given_name="Sam", family_name="Hill")
    client = client_for(Role.SERVICE_DESK)
    form = {"search_by": "nhs_number", "search_value": "999 000 0018", "reason": "other", "reason_detail": "Call"}

    response = client.post("/patients/", form)

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.id}/"


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.ADMINISTRATOR, Role.AUDITOR, Role.CONTENT_DESIGNER])
def test_other_roles_have_no_patient_search(client_for, role):
    assert 'name="search_value"' not in client_for(role).get("/").content.decode()


def test_administrator_home_when_nothing_is_set_up_says_how_to_set_it_up(client_for):
    response = client_for(Role.ADMINISTRATOR).get("/")

    text = text_of(response)
    assert headings(response)[:3] == ["Who gets which role", "API clients", "Your organisation"]
    assert (
        "No CIS2 job role gives a notifyadmin role yet, so staff who sign in with their smartcard cannot use "
        "notifyadmin. Add a role mapping for each CIS2 job role that should have access."
    ) in text
    assert (
        "No other system can use notifyadmin's API yet. Add an API client for each system that should, and give "
        "it a key."
    ) in text
    html = response.content.decode()
    assert '<a href="/accounts/role-mappings/new/">Add a role mapping</a>' in html
    assert '<a href="/integrations/api-clients/new/">Add an API client</a>' in html
    assert '<a href="/accounts/organisation/">See your organisation&#39;s settings</a>' in html


def test_administrator_home_lists_mappings_clients_and_the_organisation(client_for, organisation):
    mapping = Cis2RoleMapping.objects.create(organisation=organisation, role_code="R8000", app_role=Role.AUDITOR)
    client = ApiClient.objects.create(organisation=organisation, name="GP booking system", client_id="gp-booking")

    response = client_for(Role.ADMINISTRATOR).get("/")

    html, text = response.content.decode(), text_of(response)
    assert f'<a href="/accounts/role-mappings/{mapping.pk}/">CIS2 job role R8000 gives Auditor</a>' in html
    assert f'<a href="/integrations/api-clients/{client.pk}/">GP booking system</a>' in html
    assert "0 working keys" in text
    assert "Northfield Teaching Hospitals NHS Foundation Trust (RX1)" in text
    assert "1 member of staff" in text
    assert "Sending to the local sandbox on this machine (nothing reaches patients)" in text


def test_organisation_page_shows_its_record_and_settings(client_for, settings):
    settings.STEPUP_MAX_AGE_SECONDS = 300
    response = client_for(Role.ADMINISTRATOR).get("/accounts/organisation/")

    text = text_of(response)
    assert response.status_code == 200
    assert "ODS code RX1" in text
    assert "Staff 1 in total:" in text
    assert "Administrator 1" in text
    assert "Confirming your identity again Asked for after 5 minutes" in text
    # The environment in words, not its code
    assert "Sends to The local sandbox on this machine (nothing reaches patients)" in text
    assert "NHS Notify environment local" not in text


def test_organisation_page_is_for_administrators_only(client_for):
    assert client_for(Role.SERVICE_DESK).get("/accounts/organisation/").status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.CONTENT_DESIGNER,
            [
                "Your drafts",
                "Changes requested on your versions",
                "Your versions waiting on others",
                "Signed off, ready to publish",
                "Awaiting your content review",
            ],
        ),
        (Role.CLINICAL_SAFETY_OFFICER, ["Awaiting your clinical sign-off"]),
        (Role.AUDITOR, ["Recent activity in your organisation", "Latest verifications of the audit trail"]),
        (Role.OPERATIONS, ["Sending today"]),
    ],
)
def test_each_role_sees_its_own_panels_first(client_for, role, expected):
    assert headings(client_for(role).get("/"))[: len(expected)] == expected


def test_clinical_safety_officer_empty_panel_says_what_would_appear(client_for):
    text = text_of(client_for(Role.CLINICAL_SAFETY_OFFICER).get("/"))

    assert "Versions appear here when a content designer's draft passes content review." in text

"""The auditor's trail page and CSV export: access, filters, readable labels, bad input."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def seed_event(*, organisation, actor=None, action="auth.signed_out", patient_ref="", when=None):
    with time_machine.travel(when or datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False), transaction.atomic():
        return audit_record(
            actor=Actor.staff(user=actor, role=Role.SERVICE_DESK, organisation=organisation)
            if actor
            else Actor.system(name="tests", organisation=organisation),
            action=action,
            patient_ref=patient_ref,
        )


def matching(response) -> int:
    return int(re.search(r"(\d+) events? match", response.content.decode()).group(1))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.AUDITOR])
def test_only_auditors_see_the_audit_trail(client_for, role):
    client = client_for(role)
    for path in ("/audit/", "/audit/export.csv", "/audit/verify/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "You cannot use this page in your current role" in response.content.decode()
    assert client.post("/audit/patient/", {"nhs_number": "9434765919"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/audit/"


def test_auditor_sees_only_their_organisations_events_with_readable_labels(
    client_for, organisation, other_organisation
):
    seed_event(organisation=organisation, action="auth.signed_out")
    seed_event(organisation=other_organisation, action="auth.role.switched")
    body = client_for(Role.AUDITOR).get("/audit/").content.decode()
    # The label reads as words; the code stays beside it (and in the filter) for searching.
    assert 'Signed out<br><code class="nhsuk-body-s">auth.signed_out</code>' in body
    assert "auth.role.switched</code>" not in body
    assert re.search(r'<option value="auth.role.switched"\s*>Switched role \(auth.role.switched\)</option>', body)


def test_what_an_event_acted_on_is_named_in_words(client_for, organisation):
    # Given events on a template version and on a CIS2 role mapping
    with transaction.atomic():
        for target_type in ("template_version", "cis2_role_mapping"):
            audit_record(
                actor=Actor.system(name="tests", organisation=organisation),
                action="auth.signed_out",
                target_type=target_type,
                target_id="1",
            )

    body = client_for(Role.AUDITOR).get("/audit/").content.decode()

    targets = [
        " ".join(cell.split())
        for cell in re.findall(r"</code></td>\s*<td class=\"nhsuk-table__cell\">(.*?)</td>", body, re.S)
    ]
    assert targets == ["CIS2 role mapping", "Template version"]


def test_the_staff_filter_tells_apart_two_people_with_one_name(client_for, organisation, make_staff):
    desk = make_staff(Role.SERVICE_DESK, first_name="Alex", last_name="Smith")
    designer = make_staff(Role.CONTENT_DESIGNER, first_name="Alex", last_name="Smith")
    RoleAssignmentFactory(user=designer, organisation=organisation, role=Role.CLINICAL_SAFETY_OFFICER)
    body = client_for(Role.AUDITOR).get("/audit/").content.decode()
    trust = "Northfield Teaching Hospitals NHS Foundation Trust (RX1)"
    options = dict(re.findall(r'<option value="([^"]*)"\s*>([^<]*)</option>', body))
    assert options[str(desk.id)] == f"Alex Smith, Service desk, {trust}"
    assert options[str(designer.id)] == f"Alex Smith, Clinical safety officer and Content designer, {trust}"


def test_filters_by_actor_action_patient_and_dates(client_for, organisation, make_staff):
    person = make_staff(Role.SERVICE_DESK)
    patient = str(uuid.uuid4())
    seed_event(
        organisation=organisation,
        actor=person,
        action="auth.signed_out",
        patient_ref=patient,
        when=datetime(2026, 3, 10, 23, 30, tzinfo=UTC),
    )  # 10 March in UTC, 10 March in London (GMT)
    seed_event(organisation=organisation, action="auth.signed_out", when=datetime(2026, 3, 12, 9, tzinfo=UTC))
    seed_event(organisation=organisation, actor=person, action="auth.role.switched")
    client = client_for(Role.AUDITOR)

    def count(**query):
        response = client.get("/audit/", query)
        assert response.status_code == 200
        return matching(response)

    assert count(actor=str(person.id)) == 2
    assert count(action="auth.signed_out") == 2
    assert count(patient=patient) == 1
    assert count(date_from_day="11", date_from_month="3", date_from_year="2026") == 1
    assert count(date_to_day="10", date_to_month="3", date_to_year="2026") == 2


TWENTY_DIGITS = "9" * 20


@pytest.mark.parametrize(
    "query, message",
    [
        ({"action": "not.an.action"}, "Choose an action from the list"),
        ({"actor": "robert'); drop table"}, "Choose a member of staff from the list"),
        ({"patient": "9434765919"}, "Find the patient by NHS number below"),
        ({"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}, "Date from must be a real date"),
        (
            {"date_from_day": TWENTY_DIGITS, "date_from_month": "2", "date_from_year": "2026"},
            "Date from must be a real date",
        ),
        (
            {"date_from_day": "1", "date_from_month": TWENTY_DIGITS, "date_from_year": "2026"},
            "Date from must be a real date",
        ),
        ({"date_to_day": "1", "date_to_month": "2", "date_to_year": TWENTY_DIGITS}, "Date to must be a real date"),
        ({"date_to_day": "٣", "date_to_month": "2", "date_to_year": "2026"}, "Date to must be a real date"),
        ({"date_from_day": "1", "date_from_year": "2026"}, "Date from must include a month"),
        (
            {
                "date_from_day": "10",
                "date_from_month": "3",
                "date_from_year": "2026",
                "date_to_day": "1",
                "date_to_month": "3",
                "date_to_year": "2026",
            },
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_bad_filters_get_a_clear_message_and_write_nothing(client_for, query, message):
    client = client_for(Role.AUDITOR)
    before = AuditEvent.objects.count()
    for path in ("/audit/", "/audit/export.csv"):
        response = client.get(path, query)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "There is a problem" in body
        assert "9434765919" not in body
        assert not response.has_header("Location")
    assert "The export was not made: correct the filters first." in body
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "query",
    [
        {"action": "auth.signed_out", "nhs": "9434765919"},
        {"9434765919": "x"},
        {"page": "2"},
        {"utm_source": "email"},
    ],
)
def test_the_export_refuses_parameters_that_are_not_filters(client_for, query):
    response = client_for(Role.AUDITOR).get("/audit/export.csv", query)
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "The export was not made: the link carries parameters that are not filters. "
        "Choose the filters on this page and download again."
    ) in body
    assert "9434765919" not in body
    assert not response.has_header("Location")
    assert AuditEvent.objects.count() == 0


def test_export_streams_the_filtered_sealed_events_as_csv_and_records_the_cleaned_filters(client_for, organisation):
    for _ in range(3):
        seed_event(organisation=organisation, action="auth.signed_out")
    seed_event(organisation=organisation, action="auth.role.switched")
    client = client_for(Role.AUDITOR)
    response = client.get(
        "/audit/export.csv",
        {"action": "auth.signed_out", "date_from_day": "01", "date_from_month": "3", "date_from_year": "2026"},
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["auth.signed_out"] * 3
    assert rows[0]["organisation"] == "RX1"
    # Sealed on demand before the export: each row carries its place in the chain.
    assert [row["seal_position"] for row in rows] == ["1", "2", "3"]
    assert all(len(row["seal_hash"]) == 64 for row in rows)
    exported = AuditEvent.objects.filter(action="audit.exported").get()
    assert exported.actor == client.user
    assert exported.details == {"filters": {"action": "auth.signed_out", "date_from": "2026-03-01"}}


def test_export_neutralises_spreadsheet_formulas(client_for, organisation):
    with transaction.atomic():
        audit_record(
            actor=Actor.system(name="tests", organisation=organisation),
            action="auth.signed_out",
            reason='=HYPERLINK("http://evil")',
        )
    response = client_for(Role.AUDITOR).get("/audit/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["reason"].startswith("'=HYPERLINK")


def test_the_filter_offers_no_nhs_number_box_in_the_get_form(client_for):
    body = client_for(Role.AUDITOR).get("/audit/").content.decode()
    get_form = re.search(r'<form method="get".*?</form>', body, re.S).group(0)
    post_form = re.search(r'<form method="post" action="/audit/patient/".*?</form>', body, re.S).group(0)
    assert "nhs_number" not in get_form
    assert 'name="patient"' not in get_form
    assert 'name="nhs_number"' in post_form

import time

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.models import RoleAssignment
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def post_sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def test_signing_in_lands_on_the_role_home_and_is_audited(make_staff):
    user = make_staff(Role.OPERATIONS)
    client = Client()
    response = post_sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "<h1>Operations</h1>" in home.content.decode()
    event = AuditEvent.objects.get(action="auth.sign_in.succeeded")
    assert event.actor == user
    assert event.actor_role == Role.OPERATIONS
    assert event.organisation.ods_code == "RX1"
    assert event.sign_in_session_id.startswith("local-")
    assert event.details == {"method": "local_password"}


def test_next_must_stay_on_this_site(make_staff):
    user = make_staff(Role.AUDITOR)
    response = post_sign_in(Client(), user.username, next="https://evil.example/")
    assert response["Location"] == "/"
    response = post_sign_in(Client(), user.username, next="/audit/")
    assert response["Location"] == "/audit/"


def test_a_wrong_password_is_refused_clearly_and_audited_without_the_typed_username(make_staff):
    user = make_staff(Role.AUDITOR)
    response = post_sign_in(Client(), user.username, password="nope")
    assert response.status_code == 400
    assert "Enter a correct username and password" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.sign_in.failed")
    assert event.target_id == str(user.id)
    assert user.username not in str(event.details)


def test_five_failures_lock_the_account(make_staff):
    user = make_staff(Role.AUDITOR)
    client = Client()
    for _ in range(4):
        assert post_sign_in(client, user.username, password="nope").status_code == 400
    locked = post_sign_in(client, user.username, password="nope")
    assert locked.status_code == 403
    assert "This account was locked after 5 failed sign-in attempts" in locked.content.decode()
    assert post_sign_in(client, user.username).status_code == 403
    assert AuditEvent.objects.filter(action="auth.sign_in.locked_out").exists()


@override_settings(LOCAL_SIGN_IN_ENABLED=False)
def test_local_sign_in_does_not_exist_when_disabled(make_staff):
    assert Client().get(SIGN_IN).status_code == 404


def test_sessions_end_after_the_idle_limit(client_for):
    client = client_for(Role.AUDITOR)
    assert client.get("/").status_code == 200
    with time_machine.travel(time.time() + 16 * 60):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in")


def test_switching_role_changes_what_the_person_can_do(make_staff, organisation):
    user = make_staff(Role.CONTENT_DESIGNER, Role.AUDITOR)
    client = Client()
    post_sign_in(client, user.username)
    designer_assignment = user.role_assignments.get(role=Role.CONTENT_DESIGNER)
    auditor_assignment = user.role_assignments.get(role=Role.AUDITOR)
    client.post("/accounts/switch-role/", {"assignment": str(designer_assignment.id)})
    # Given they work as a content designer, the audit trail is closed to them
    assert client.get("/audit/").status_code == 403
    # When they switch to their auditor role
    response = client.post("/accounts/switch-role/", {"assignment": str(auditor_assignment.id)})
    # Then it is open, and the switch is on the trail in the new role
    assert response.status_code == 302
    assert client.get("/audit/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.role.switched").latest("sequence")
    assert event.actor_role == Role.AUDITOR


def test_nobody_can_switch_into_someone_elses_role(make_staff, client_for):
    other = make_staff(Role.AUDITOR)
    client = client_for(Role.CONTENT_DESIGNER)
    response = client.post("/accounts/switch-role/", {"assignment": str(other.role_assignments.get().id)})
    assert response.status_code == 400
    assert "Choose one of your roles" in response.content.decode()
    assert client.get("/audit/").status_code == 403


def test_sign_out_needs_post_and_is_audited(client_for):
    client = client_for(Role.AUDITOR)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.signed_out").count() == 1


def test_another_organisations_object_is_not_found(make_staff, organisation, other_organisation):
    from django.http import Http404

    theirs = make_staff(Role.AUDITOR, organisation=other_organisation).role_assignments.get()
    with pytest.raises(Http404):
        get_in_organisation_or_404(RoleAssignment.objects.all(), organisation=organisation, id=theirs.id)
    with pytest.raises(Http404):
        get_in_organisation_or_404(RoleAssignment.objects.all(), organisation=organisation, id="not-a-uuid")
    assert (
        get_in_organisation_or_404(RoleAssignment.objects.all(), organisation=other_organisation, id=theirs.id)
        == theirs
    )


def test_staff_list_shows_only_the_administrators_organisation(client_for, make_staff, other_organisation):
    make_staff(Role.AUDITOR, username="ours")
    make_staff(Role.AUDITOR, username="theirs", organisation=other_organisation)
    body = client_for(Role.ADMINISTRATOR).get("/accounts/staff/").content.decode()
    assert "ours" in body
    assert "theirs" not in body

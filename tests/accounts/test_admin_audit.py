"""Django admin may not change governed data behind the audit trail's back: each admin action on
organisations and role assignments goes through an audited service; category policies are
read-only there (there is no audited service to change them yet)."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.models import Organisation, RoleAssignment
from notifyadmin.accounts.roles import Role
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(organisation) -> Client:
    user = StaffUserFactory(is_staff=True, is_superuser=True, username="root")
    client = Client()
    client.force_login(user)
    return client


def test_adding_an_organisation_in_admin_is_audited(superuser_client):
    response = superuser_client.post(
        "/django-admin/accounts/organisation/add/", {"ods_code": "RZ7", "name": "Westgate Trust"}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(ods_code="RZ7")
    event = AuditEvent.objects.get(action="organisation.created")
    assert event.target_id == str(organisation.id)
    assert event.actor.username == "root"
    assert event.details == {"ods_code": "RZ7", "name": "Westgate Trust", "source": "admin"}


def test_an_organisation_cannot_be_changed_or_deleted_in_admin(superuser_client, organisation):
    url = f"/django-admin/accounts/organisation/{organisation.pk}/change/"
    superuser_client.post(url, {"ods_code": "XX1", "name": "Renamed"})
    organisation.refresh_from_db()
    assert (organisation.ods_code, organisation.name) == ("RX1", "Northfield Teaching Hospitals NHS Foundation Trust")
    assert superuser_client.get(f"/django-admin/accounts/organisation/{organisation.pk}/delete/").status_code == 403


def test_assigning_and_removing_a_role_in_admin_is_audited(superuser_client, organisation):
    member = StaffUserFactory(username="member")
    response = superuser_client.post(
        "/django-admin/accounts/roleassignment/add/",
        {"user": str(member.pk), "organisation": str(organisation.pk), "role": Role.AUDITOR},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=member)
    assigned = AuditEvent.objects.get(action="staff.role.assigned")
    assert assigned.actor.username == "root"
    assert assigned.target_id == str(assignment.id)

    response = superuser_client.post(f"/django-admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=member).exists()
    removed = AuditEvent.objects.get(action="staff.role.removed")
    assert removed.actor.username == "root"
    assert removed.details == {"role": Role.AUDITOR, "staff_user_id": str(member.pk), "source": "admin"}


def test_bulk_deleting_role_assignments_in_admin_is_not_offered(superuser_client, organisation, make_staff):
    make_staff(Role.AUDITOR)
    page = superuser_client.get("/django-admin/accounts/roleassignment/").content.decode()
    assert "delete_selected" not in page


def test_a_role_assignment_cannot_be_changed_in_admin(superuser_client, make_staff, organisation):
    assignment = make_staff(Role.AUDITOR).role_assignments.get()
    superuser_client.post(
        f"/django-admin/accounts/roleassignment/{assignment.pk}/change/",
        {"user": str(assignment.user_id), "organisation": str(organisation.pk), "role": Role.ADMINISTRATOR},
    )
    assignment.refresh_from_db()
    assert assignment.role == Role.AUDITOR


def test_category_policies_are_read_only_in_admin(superuser_client, organisation):
    from preferences.models import CategoryPolicy

    response = superuser_client.post(
        "/django-admin/preferences/categorypolicy/add/",
        {"organisation": str(organisation.pk), "category": "appointments", "lawful_basis": "direct_care"},
    )
    assert response.status_code == 403
    assert not CategoryPolicy.objects.exists()


@pytest.mark.parametrize("code", ["9990548609", "07700900123", "not a code"])
def test_a_cis2_role_mapping_in_admin_follows_the_apps_code_rules(superuser_client, code):
    from notifyadmin.accounts.models import Cis2RoleMapping

    response = superuser_client.post(
        "/django-admin/accounts/cis2rolemapping/add/", {"role_code": code, "activity_code": "", "app_role": "auditor"}
    )
    assert response.status_code == 200  # the admin's form page, with the error
    assert "Enter a CIS2 role code in the form S8000:G8000:R8001" in response.content.decode()
    assert not Cis2RoleMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="role_mapping.created").exists()

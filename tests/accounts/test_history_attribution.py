"""Role assignments, CIS2 role mappings and organisations name, in their change history, the
member of staff whose action changed them, wherever the service is called from (a page,
Django admin, a command), and nobody when the system acts."""

import pytest

from notifyadmin.accounts.cis2.services import role_mapping_change, role_mapping_create, role_mapping_delete
from notifyadmin.accounts.models import Cis2RoleMapping, Organisation, RoleAssignment
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.services import organisation_create, role_assign, role_remove
from notifyadmin.core.actor import Actor
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(make_staff, organisation):
    user = make_staff(Role.ADMINISTRATOR, first_name="Nadia", last_name="Rahman")
    return Actor.staff(user=user, role=Role.ADMINISTRATOR, organisation=organisation)


def _history_users(model, object_id):  # type: ignore[no-untyped-def]
    rows = model.history.filter(id=object_id).order_by("history_date")
    return [(row.history_type, row.history_user) for row in rows]


def test_a_role_given_and_taken_away_names_the_administrator(administrator, organisation):
    member = StaffUserFactory()
    assignment = role_assign(user=member, organisation=organisation, role=Role.AUDITOR, actor=administrator)
    assignment_id = assignment.id  # deleting clears the instance's id
    assert role_assign(user=member, organisation=organisation, role=Role.AUDITOR, actor=administrator) == assignment
    role_remove(actor=administrator, assignment=assignment, source="admin")
    assert not RoleAssignment.objects.filter(id=assignment_id).exists()
    assert _history_users(RoleAssignment, assignment_id) == [("+", administrator.user), ("-", administrator.user)]


def test_a_cis2_role_mapping_names_the_administrator_at_every_change(administrator, organisation):
    mapping = role_mapping_create(
        actor=administrator, organisation=organisation, role_code="S1:G1:R1", activity_code="", app_role=Role.AUDITOR
    )
    mapping_id = mapping.id  # deleting clears the instance's id
    role_mapping_change(
        actor=administrator, mapping=mapping, role_code="S1:G1:R1", activity_code="", app_role=Role.OPERATIONS
    )
    role_mapping_delete(actor=administrator, mapping=mapping)
    assert _history_users(Cis2RoleMapping, mapping_id) == [
        ("+", administrator.user),
        ("~", administrator.user),
        ("-", administrator.user),
    ]


def test_an_organisation_created_by_the_system_names_nobody():
    organisation = organisation_create(
        actor=Actor.system(name="seed_demo"), ods_code="RZ8", name="Eastgate Trust", source="command"
    )
    assert _history_users(Organisation, organisation.id) == [("+", None)]

"""Fixtures shared by the whole suite: organisations, staff in each role, signed-in clients.
Area-specific fixtures live in the conftest.py of that area's test folder."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.accounts.roles import Role
from tests.factories import OrganisationFactory, RoleAssignmentFactory, StaffUserFactory
from tests.services import missing_service

# Records hazard-marked tests' outcomes for the safety case (docs/safety.md).
pytest_plugins = ["tests.safety_results_plugin"]


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(ods_code="RX1", name="Northfield Teaching Hospitals NHS Foundation Trust")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory(ods_code="RY9", name="Southbank Community Health NHS Trust")


@pytest.fixture
def make_staff(db: None, organisation: Organisation) -> Callable[..., StaffUser]:
    """make_staff(Role.AUDITOR) or make_staff(Role.X, Role.Y, organisation=org, username=...)."""

    def make(*roles: Role, organisation: Organisation = organisation, **fields: object) -> StaffUser:
        user = StaffUserFactory(**fields)
        for role in roles:
            RoleAssignmentFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def client_for(make_staff: Callable[..., StaffUser]) -> Callable[..., Client]:
    """A test client signed in as a new member of staff working in `role`."""

    def make(role: Role, *, user: StaffUser | None = None, organisation: Organisation | None = None) -> Client:
        if user is None:
            user = make_staff(role, **({"organisation": organisation} if organisation else {}))
        client = Client()
        client.force_login(user)
        if organisation is not None or user.role_assignments.count() > 1:
            assignment = user.role_assignments.get(
                role=role, **({"organisation": organisation} if organisation else {})
            )
            session = client.session
            session["active_role_assignment_id"] = str(assignment.id)
            session.save()
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def require_postgresql(db: None) -> None:
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (set DATABASE_URL)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for `require_postgresql` carries the `postgres` marker, so the pass on
    the embedded default database (SQLite, as `make run` uses) can leave it out by marker."""
    for item in items:
        if "require_postgresql" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)

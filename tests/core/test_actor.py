"""The Actor: one value for who acts, with the permission and organisation checks services use."""

import pytest

from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.core.actor import Actor, ActorKind, actor_from_payload
from notifyadmin.core.errors import NotFound, PermissionRefused
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class _Owned:
    def __init__(self, organisation_id):
        self.organisation_id = organisation_id


def test_staff_hold_the_permissions_of_the_role_in_use(make_staff, organisation):
    # Given a person who is both a content designer and an auditor, working as content designer
    user = make_staff(Role.CONTENT_DESIGNER, Role.AUDITOR)
    actor = Actor.staff(user=user, role=Role.CONTENT_DESIGNER, organisation=organisation)
    # Then only the role in use counts
    assert actor.can(Permission.TEMPLATE_EDIT) is True
    assert actor.can(Permission.AUDIT_VIEW) is False
    with pytest.raises(PermissionRefused) as refused:
        actor.require(Permission.AUDIT_VIEW)
    assert str(refused.value) == "Your current role (Content designer) cannot do this."


def test_a_person_without_a_role_is_refused_in_plain_words(make_staff):
    actor = Actor.staff(user=make_staff(), role="", organisation=None)
    with pytest.raises(PermissionRefused) as refused:
        actor.require(Permission.HOME_VIEW)
    assert str(refused.value) == "You need a role in an organisation to do this."
    with pytest.raises(PermissionRefused):
        _ = actor.acting_organisation


def test_system_actors_hold_only_what_they_are_given(organisation):
    actor = Actor.system(
        name="sending.dispatch", organisation=organisation, permissions=frozenset({Permission.PATIENT_VIEW})
    )
    assert actor.kind == ActorKind.SYSTEM
    assert actor.display_name == "sending.dispatch"
    assert actor.can(Permission.PATIENT_VIEW) is True
    assert actor.can(Permission.PREFERENCE_CHANGE) is False
    with pytest.raises(PermissionRefused) as refused:
        actor.require(Permission.PREFERENCE_CHANGE)
    assert str(refused.value) == "This client system has not been given permission to do this."
    with pytest.raises(PermissionRefused):
        _ = actor.staff_user


def test_anonymous_visitors_can_do_nothing():
    actor = Actor.anonymous(ip_address="127.0.0.1")
    assert all(not actor.can(permission) for permission in Permission)


def test_another_organisations_object_is_not_found(make_staff, organisation, other_organisation):
    actor = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    actor.require_organisation(_Owned(organisation.pk))
    with pytest.raises(NotFound) as refused:
        actor.require_organisation(_Owned(other_organisation.pk))
    assert str(refused.value) == "Not found in your organisation."


def test_a_staff_actor_survives_the_trip_into_a_task(make_staff, organisation):
    user = make_staff(Role.SERVICE_DESK)
    actor = Actor.staff(
        user=user, role=Role.SERVICE_DESK, organisation=organisation, sign_in_session_id="sid-7", cis2_role_id="r-1"
    )
    rebuilt = actor_from_payload(actor.to_payload())
    assert (rebuilt.kind, rebuilt.user, rebuilt.role, rebuilt.organisation) == (
        ActorKind.STAFF,
        user,
        Role.SERVICE_DESK,
        organisation,
    )
    assert (rebuilt.sign_in_session_id, rebuilt.cis2_role_id) == ("sid-7", "r-1")


def test_a_task_refuses_a_staff_actor_whose_role_was_removed_meanwhile(make_staff, organisation):
    user = make_staff(Role.SERVICE_DESK)
    payload = Actor.staff(user=user, role=Role.SERVICE_DESK, organisation=organisation).to_payload()
    user.role_assignments.all().delete()
    with pytest.raises(PermissionRefused) as refused:
        actor_from_payload(payload)
    assert str(refused.value) == "That member of staff no longer holds the role this work was authorised in."


def test_a_system_actor_survives_the_trip_into_a_task():
    organisation = OrganisationFactory()
    actor = Actor.system(name="nightly", organisation=organisation, permissions=frozenset({Permission.AUDIT_VERIFY}))
    rebuilt = actor_from_payload(actor.to_payload())
    assert (rebuilt.kind, rebuilt.system_name, rebuilt.organisation, rebuilt.granted) == (
        ActorKind.SYSTEM,
        "nightly",
        organisation,
        frozenset({Permission.AUDIT_VERIFY}),
    )


def test_every_request_carries_its_actor(client_for):
    client = client_for(Role.AUDITOR)
    response = client.get("/")
    actor = response.wsgi_request.actor
    assert (actor.kind, actor.user, actor.role) == (ActorKind.STAFF, client.user, Role.AUDITOR)
    assert actor.correlation_id == response["X-Correlation-ID"]

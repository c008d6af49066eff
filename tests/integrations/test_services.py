"""Managing client systems: create, rotate, revoke, deactivate, change permissions. Each refuses
the wrong actor or organisation, needs a reason where the audit trail does, and is audited."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound, PermissionRefused, TransitionRefused
from notifyadmin.integrations import services
from notifyadmin.integrations.models import ApiClient, ApiKey
from tests.integrations.helpers import admin_actor

pytestmark = pytest.mark.django_db
READ = "/api/v1/preferences/patients/00000000-0000-0000-0000-000000000000/"
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(make_staff, organisation):
    return Actor.staff(user=make_staff(Role.ADMINISTRATOR), role=Role.ADMINISTRATOR, organisation=organisation)


@pytest.fixture
def created(admin):
    return services.api_client_create(
        actor=admin, name="SMS gateway", client_id="sms-gateway", permissions=["preference.api"], reason="New gateway"
    )


def _status(key):
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(READ).status_code


def test_given_an_administrator_when_a_client_is_created_then_its_key_works_and_it_is_audited(created, admin):
    client, key = created
    assert (client.organisation, client.permissions, client.is_active) == (admin.organisation, ["preference.api"], True)
    assert client.granted_permissions == frozenset({"preference.api"})
    assert _status(key) == 404  # authenticated, and no such patient
    event = AuditEvent.objects.get(action="api_client.created")
    assert (event.target_id, event.reason, event.details["permissions"]) == (
        str(client.id),
        "New gateway",
        ["preference.api"],
    )
    assert key not in str(event.details)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"name": " ", "client_id": "ok", "permissions": ["preference.api"]},
            {"name": ["Enter what the client system is, for example GP SMS gateway."]},
        ),
        (
            {"name": "X", "client_id": "Bad Id!", "permissions": ["preference.api"]},
            {"client_id": ["Client id must be lower-case letters, digits and hyphens, up to 64 characters."]},
        ),
        (
            {"name": "X", "client_id": "ok", "permissions": ["patient.view"]},
            {"permissions": ["Choose only from the permissions listed for client systems."]},
        ),
        (
            {"name": "X", "client_id": "ok", "permissions": []},
            {"permissions": ["Choose at least one thing this client system may do."]},
        ),
    ],
)
def test_refused_input_names_the_field_and_writes_nothing(admin, fields, errors):
    with pytest.raises(InvalidInput) as refused:
        services.api_client_create(actor=admin, **fields)
    assert refused.value.errors == errors
    assert (ApiClient.objects.count(), AuditEvent.objects.filter(action="api_client.created").count()) == (0, 0)


def test_a_client_id_is_unique(created, admin):
    with pytest.raises(InvalidInput) as refused:
        services.api_client_create(actor=admin, name="Again", client_id="sms-gateway", permissions=["template.api"])
    assert refused.value.errors == {"client_id": ["An API client with that client id already exists. Choose another."]}


def test_only_administrators_manage_clients(make_staff, organisation):
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    with pytest.raises(PermissionRefused, match=r"Your current role \(Service desk\) cannot do this."):
        services.api_client_create(actor=desk, name="X", client_id="x", permissions=["preference.api"])


def test_another_organisations_client_is_not_found(created, other_organisation):
    client, _ = created
    with pytest.raises(NotFound):
        services.api_client_deactivate(actor=admin_actor(other_organisation), client=client, reason="Not ours")
    assert ApiClient.objects.get(pk=client.pk).is_active is True


def test_rotation_with_a_grace_period_keeps_the_old_key_until_it_ends(created, admin):
    client, old_key = created
    with time_machine.travel(T0, tick=False):
        _, new_key = services.api_key_rotate(actor=admin, client=client, grace=timedelta(hours=24), reason="Yearly")
        assert (_status(old_key), _status(new_key)) == (404, 404)
    with time_machine.travel(T0 + timedelta(hours=24, seconds=1), tick=False):
        assert (_status(old_key), _status(new_key)) == (401, 404)
    event = AuditEvent.objects.get(action="api_key.rotated")
    assert (event.reason, event.details["grace_seconds"]) == ("Yearly", 86400)


def test_rotation_without_grace_stops_the_old_key_at_once(created, admin):
    client, old_key = created
    _, new_key = services.api_key_rotate(actor=admin, client=client, grace=timedelta(0), reason="Key leaked")
    assert (_status(old_key), _status(new_key)) == (401, 404)
    assert ApiKey.objects.filter(client=client, revoked_at__isnull=False).count() == 1


def test_rotation_needs_a_reason_and_a_bounded_grace(created, admin):
    client, _ = created
    with pytest.raises(InvalidInput) as no_reason:
        services.api_key_rotate(actor=admin, client=client, grace=timedelta(0), reason="  ")
    with pytest.raises(InvalidInput) as too_long:
        services.api_key_rotate(actor=admin, client=client, grace=timedelta(days=31), reason="r")
    assert no_reason.value.errors == {"reason": ["Enter the reason for this change."]}
    assert too_long.value.errors == {"grace": ["Choose how long the old key keeps working, up to 30 days."]}
    assert ApiKey.objects.filter(client=client).count() == 1


def test_revoking_a_key_stops_it_and_cannot_be_done_twice(created, admin):
    client, key = created
    record = client.keys.get()
    services.api_key_revoke(actor=admin, key=record, reason="Left on a laptop")
    assert _status(key) == 401
    with pytest.raises(TransitionRefused, match=r"This key has already been revoked\."):
        services.api_key_revoke(actor=admin, key=record, reason="Again")
    assert AuditEvent.objects.get(action="api_key.revoked").details == {"key": str(record.id)}


def test_deactivating_a_client_refuses_every_key(created, admin):
    client, key = created
    _, second = services.api_key_rotate(actor=admin, client=client, grace=timedelta(days=1), reason="Rotate")
    services.api_client_deactivate(actor=admin, client=client, reason="System retired")
    assert (_status(key), _status(second)) == (401, 401)
    with pytest.raises(TransitionRefused, match="its keys cannot be rotated"):
        services.api_key_rotate(actor=admin, client=client, grace=timedelta(0), reason="r")


def test_permissions_change_takes_effect_on_the_next_request(created, admin):
    client, key = created
    services.api_client_permissions_change(
        actor=admin, client=client, permissions=["template.api"], reason="Events only"
    )
    assert _status(key) == 403
    event = AuditEvent.objects.get(action="api_client.permissions.changed")
    assert event.details == {"before": ["preference.api"], "after": ["template.api"]}


def test_last_used_time_is_recorded(created):
    client, key = created
    with time_machine.travel(T0, tick=False):
        _status(key)
    assert client.keys.get().last_used_at == T0

"""An API client is the kernel's ClientSystem: the request's actor holds exactly its grants,
and the actor survives the trip into a task (actor_from_payload reads API_CLIENT_MODEL)."""

import pytest

from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor, ActorKind, actor_from_payload
from notifyadmin.integrations.models import ApiClient
from tests.integrations.helpers import issue_key

pytestmark = pytest.mark.django_db


def test_a_client_actor_holds_exactly_its_grants_and_travels_to_a_task(organisation):
    issue_key(organisation, permissions=("template.api",))
    client = ApiClient.objects.get()
    actor = Actor.client_system(client=client, organisation=organisation)
    assert (actor.can(Permission.TEMPLATE_API), actor.can(Permission.PREFERENCE_API)) == (True, False)
    assert actor.can(Permission.PATIENT_VIEW) is False

    rebuilt = actor_from_payload(actor.to_payload())
    assert (rebuilt.kind, rebuilt.client, rebuilt.organisation, rebuilt.granted) == (
        ActorKind.CLIENT_SYSTEM,
        client,
        organisation,
        frozenset({Permission.TEMPLATE_API}),
    )


def test_a_permission_value_no_longer_known_is_not_granted(organisation):
    issue_key(organisation)
    client = ApiClient.objects.get()
    client.permissions = ["preference.api", "retired.permission"]
    assert client.granted_permissions == frozenset({Permission.PREFERENCE_API})

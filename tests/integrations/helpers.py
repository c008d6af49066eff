"""Issuing client systems and keys in tests, through the service (as the pages do)."""

from notifyadmin.accounts.models import Organisation
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.integrations.services import api_client_create

PROBLEM = "application/problem+json"


def admin_actor(organisation: Organisation) -> Actor:
    return Actor.system(name="tests", organisation=organisation, permissions=frozenset({Permission.API_CLIENT_MANAGE}))


def issue_key(
    organisation: Organisation,
    *,
    client_id: str = "sms-gateway",
    name: str = "SMS gateway",
    permissions: tuple[str, ...] = (Permission.PREFERENCE_API.value,),
) -> str:
    _, key = api_client_create(actor=admin_actor(organisation), name=name, client_id=client_id, permissions=permissions)
    return key

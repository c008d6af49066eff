"""Create an API client for another system and print its key once (only a hash is kept).
Goes through notifyadmin.integrations.services, so the creation is validated and audited like
one made on the administrators' pages."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.selectors import organisation_get_by_ods
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput
from notifyadmin.integrations.permissions import CLIENT_PERMISSIONS
from notifyadmin.integrations.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client for a client system and print its key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ods-code", required=True, help="The organisation the client acts for.")
        parser.add_argument("--client-id", required=True, help="A short slug, for example gp-sms-gateway.")
        parser.add_argument("--name", required=True, help="What the client system is.")
        parser.add_argument(
            "--permission",
            action="append",
            choices=[permission.value for permission in CLIENT_PERMISSIONS],
            help="What the client may do (repeat for several). Default: preference.api.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_get_by_ods(ods_code=options["ods_code"])
        if organisation is None:
            raise CommandError("No organisation has that ODS code.")
        actor = Actor.system(
            name="create_api_client", organisation=organisation, permissions=frozenset({Permission.API_CLIENT_MANAGE})
        )
        try:
            _, key = api_client_create(
                actor=actor,
                name=options["name"],
                client_id=options["client_id"],
                permissions=options["permission"] or [Permission.PREFERENCE_API.value],
                reason="Created with manage.py create_api_client",
            )
        except InvalidInput as error:
            raise CommandError(" ".join(m for messages in error.errors.values() for m in messages)) from error
        self.stdout.write("API key (shown once; store it in the client system's secret store):")
        self.stdout.write(key)

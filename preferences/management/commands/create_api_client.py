"""Create an API client for another system and print its key once (only a hash is kept)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifyadmin.accounts.selectors import organisation_get_by_ods
from notifyadmin.core.actor import Actor
from preferences.api_auth import api_client_create
from preferences.models import ApiClient


class Command(BaseCommand):
    help = "Create an API client for the preferences API and print its key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ods-code", required=True, help="The organisation the client acts for.")
        parser.add_argument("--client-id", required=True, help="A short slug, for example gp-sms-gateway.")
        parser.add_argument("--name", required=True, help="What the client system is.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_get_by_ods(ods_code=options["ods_code"])
        if organisation is None:
            raise CommandError("No organisation has that ODS code.")
        if ApiClient.objects.filter(client_id=options["client_id"]).exists():
            raise CommandError("An API client with that client id already exists.")
        _, key = api_client_create(
            organisation=organisation,
            name=options["name"],
            client_id=options["client_id"],
            actor=Actor.system(name="create_api_client", organisation=organisation),
        )
        self.stdout.write("API key (shown once; store it in the client system's secret store):")
        self.stdout.write(key)

"""Wire `make run` to the local CIS2 stand-in: notifyadmin's client key pair and the stand-in's
clients file. Safe to run again: an existing key is kept, the clients file is rewritten.

    python manage.py cis2_local_setup [--base-url http://127.0.0.1:8000]

Writes var/cis2-client/private.pem (mode 0600, never committed: var/ is gitignored),
var/cis2-client/public.pem and var/cis2-standin-clients.json (for
`python -m notifyadmin.sandboxes.cis2 --clients-file var/cis2-standin-clients.json`).
"""

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate notifyadmin's CIS2 client key (if missing) and the CIS2 stand-in's clients file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="where notifyadmin runs")

    def handle(self, *args: object, **options: object) -> None:
        if settings.NOTIFY_ENVIRONMENT == "production" or not settings.LOCAL_SIGN_IN_ENABLED:
            raise CommandError("cis2_local_setup is for local development only.")
        base_url = str(options["base_url"]).rstrip("/")
        var = Path(settings.VAR_DIR)
        private = Path(settings.CIS2_PRIVATE_KEY_PATH or var / "cis2-client" / "private.pem")
        public = private.with_name("public.pem")
        private.parent.mkdir(parents=True, exist_ok=True)
        if not private.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(
                    key.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    )
                )
            self.stdout.write(f"Generated CIS2 client key {private}")
        else:
            key = serialization.load_pem_private_key(private.read_bytes(), password=None)  # type: ignore[assignment]
        public.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        client = {
            "client_id": settings.CIS2_CLIENT_ID or "notifyadmin-local",
            "redirect_uris": [f"{base_url}/oidc/callback/"],
            "token_endpoint_auth_method": "private_key_jwt",
            "public_key_path": str(public.resolve()),
            "backchannel_logout_uri": f"{base_url}/oidc/backchannel-logout/",
            "post_logout_redirect_uris": [
                f"{base_url}/",
                f"{base_url}/accounts/sign-in/",
                f"{base_url}/accounts/signed-out/",
            ],
        }
        clients_file = var / "cis2-standin-clients.json"
        clients_file.write_text(json.dumps({"clients": [client]}, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {clients_file}")

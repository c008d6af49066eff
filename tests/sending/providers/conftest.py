"""Fixtures for the provider tests: an RSA key pair, key files, signed-JWT providers."""

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from notifyadmin.sending.providers.auth import SignedJwtCredentials
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider
from tests.sending.providers.support import INT_TOKEN_URL, INT_URL

API_KEY = "int-api-key-0123456789"
KEY_ID = "notifyadmin-int-1"


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    path = tmp_path / "notify.pem"
    path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return path


@pytest.fixture
def int_provider(rsa_key: rsa.RSAPrivateKey) -> Callable[..., NhsNotifyProvider]:
    def make(**options: object) -> NhsNotifyProvider:
        credentials = SignedJwtCredentials(api_key=API_KEY, private_key=rsa_key, key_id=KEY_ID)
        return NhsNotifyProvider(
            environment="int", base_url=INT_URL, token_url=INT_TOKEN_URL, credentials=credentials, **options
        )  # type: ignore[arg-type]

    return make

"""The stand-in's RSA signing keys, kept on disk so tokens stay verifiable across restarts.

Layout of the key directory: one `<kid>.pem` (PKCS#8, mode 0600) per key and `keys.json`
(`{"active_kid": ..., "kids": [oldest, ..., newest]}`). The kid is the key's RFC 7638
thumbprint. Rotation adds a key and makes it the signing key; older keys stay in the JWKS so
tokens they signed still verify.
"""

import base64
import hashlib
import json
import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_SIZE = 2048
MANIFEST = "keys.json"


def rsa_key_generate() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> dict:
    public_key = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return RSAAlgorithm.to_jwk(public_key, as_dict=True)


def jwk_thumbprint(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """RFC 7638: SHA-256 of the canonical JSON of the required members, base64url."""
    jwk = public_jwk(key)
    canonical = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class KeyStore:
    """The signing keys in `key_dir`, created on first use."""

    def __init__(self, key_dir: str | Path) -> None:
        self.key_dir = Path(key_dir)
        self._lock = threading.Lock()
        self._keys: dict[str, rsa.RSAPrivateKey] = {}
        self._active_kid = ""
        self._load_or_create()

    @property
    def active_kid(self) -> str:
        return self._active_kid

    def signing_key(self) -> tuple[str, rsa.RSAPrivateKey]:
        with self._lock:
            return self._active_kid, self._keys[self._active_kid]

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        with self._lock:
            key = self._keys.get(kid)
        return key.public_key() if key else None

    def jwks(self) -> dict:
        """The published key set, newest first."""
        with self._lock:
            items = list(self._keys.items())
        keys = []
        for kid, key in reversed(items):
            jwk = {name: value for name, value in public_jwk(key).items() if name != "key_ops"}
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS512"})
        return {"keys": keys}

    def rotate(self) -> str:
        """Add a new key, sign with it from now on, keep the old ones published. Returns its kid."""
        with self._lock:
            kid = self._add(rsa_key_generate())
            self._active_kid = kid
            self._write_manifest()
            return kid

    def replace_keeping_kid(self) -> str:
        """Test hook: a new signing key published under the active kid, as a provider that
        reuses kids might do. Kept in memory only (kids on disk are thumbprints), so a restart
        returns to the key on disk. Returns the kid."""
        with self._lock:
            self._keys[self._active_kid] = rsa_key_generate()
            return self._active_kid

    def _load_or_create(self) -> None:
        self.key_dir.mkdir(parents=True, exist_ok=True)
        manifest_path = self.key_dir / MANIFEST
        if not manifest_path.exists():
            self._active_kid = self._add(rsa_key_generate())
            self._write_manifest()
            return
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for kid in manifest["kids"]:
            pem = (self.key_dir / f"{kid}.pem").read_bytes()
            key = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(key, rsa.RSAPrivateKey) or jwk_thumbprint(key) != kid:
                raise ValueError(f"Key file {kid}.pem in {self.key_dir} does not match its kid.")
            self._keys[kid] = key
        self._active_kid = manifest["active_kid"]

    def _add(self, key: rsa.RSAPrivateKey) -> str:
        kid = jwk_thumbprint(key)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = self.key_dir / f"{kid}.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        self._keys[kid] = key
        return kid

    def _write_manifest(self) -> None:
        manifest = {"active_kid": self._active_kid, "kids": list(self._keys)}
        temporary = self.key_dir / f"{MANIFEST}.tmp"
        temporary.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(temporary, self.key_dir / MANIFEST)

"""The embedded-mode token issuer: one ES256 key on disk, tokens for the demo clients.

The key is generated on first use under the var directory (never committed)
and kept, so tokens minted by the CLI stay valid across restarts. Its ``kid``
is the key's RFC 7638 thumbprint: the same key always has the same id.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from avhopp_shared.auth.authlib_jose import ECKey, JsonWebToken
from avhopp_shared.auth.demo_clients import DEMO_CLIENTS, DemoClient
from avhopp_shared.auth.jwks import StaticKeySource

__all__ = [
    "DEFAULT_AUDIENCE",
    "DEFAULT_ISSUER",
    "DEFAULT_KEY_PATH",
    "DEFAULT_LIFETIME_SECONDS",
    "DEMO_CLIENTS",
    "MAX_LIFETIME_SECONDS",
    "DemoClient",
    "LocalIssuer",
]

DEFAULT_ISSUER = "avhopp-local"
DEFAULT_AUDIENCE = "avhopp"
DEFAULT_KEY_PATH = Path("var/issuer/es256.pem")
DEFAULT_LIFETIME_SECONDS = 8 * 3600
# A demo token copied into a chat or a script should not outlive the day.
MAX_LIFETIME_SECONDS = 24 * 3600

_ALGORITHM = "ES256"
_JWT = JsonWebToken([_ALGORITHM])

log = logging.getLogger("avhopp.auth")


class LocalIssuer:
    def __init__(
        self,
        key_path: Path = DEFAULT_KEY_PATH,
        issuer: str = DEFAULT_ISSUER,
        audience: str = DEFAULT_AUDIENCE,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        private_key = _load_or_create(key_path)
        thumbprint = ECKey.import_key(private_key).thumbprint()
        self._key = ECKey.import_key(private_key, {"kid": thumbprint})
        self.kid: str = thumbprint

    def jwks(self) -> dict[str, Any]:
        """The public key set (no private members) that verifies this issuer's tokens."""
        # Authlib drops "use" and "alg" from a private key's public view: state them here.
        public: dict[str, Any] = self._key.as_dict(is_private=False, use="sig", alg=_ALGORITHM)
        return {"keys": [public]}

    def key_source(self) -> StaticKeySource:
        return StaticKeySource(self.jwks())

    def mint(
        self,
        client: DemoClient | Mapping[str, Any],
        *,
        lifetime_seconds: int = DEFAULT_LIFETIME_SECONDS,
        now: int | None = None,
    ) -> str:
        """A signed token for a demo client, or for the given identity claims.

        Claims given as a mapping are laid over the registered ones, so a test
        can mint, say, a token for another audience.
        """
        if not 0 < lifetime_seconds <= MAX_LIFETIME_SECONDS:
            raise ValueError(f"lifetime_seconds must be within 1..{MAX_LIFETIME_SECONDS}")
        issued_at = int(time.time()) if now is None else now
        identity = client.claims() if isinstance(client, DemoClient) else dict(client)
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + lifetime_seconds,
            "jti": uuid.uuid4().hex,
            **identity,
        }
        header = {"alg": _ALGORITHM, "kid": self.kid, "typ": "JWT"}
        token: bytes = _JWT.encode(header, payload, self._key)
        return token.decode("ascii")


def _load_or_create(key_path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        pem = key_path.read_bytes()
    except FileNotFoundError:
        return _create(key_path)
    if key_path.stat().st_mode & 0o077:
        log.warning("issuer key is readable by others; chmod 600 it", extra={"path": str(key_path)})
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"{key_path} does not hold an EC P-256 private key")
    return key


def _create(key_path: Path) -> ec.EllipticCurvePrivateKey:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    key_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = key_path.with_name(f".{key_path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        # Services started side by side may race to create the key: linking is
        # atomic and fails if another got there first, and then its key is used.
        os.link(staging, key_path)
    except FileExistsError:
        return _load_or_create(key_path)
    finally:
        staging.unlink(missing_ok=True)
    log.info("created the local issuer's signing key", extra={"path": str(key_path)})
    return key
